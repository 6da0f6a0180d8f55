#pragma once

// Serves the built web app (web/dist) from a directory. Files are small, so each one is read
// whole into the response body. Text files (HTML, JS, CSS, SVG, JSON…) go out gzipped to clients
// that accept it; the compressed bytes are made once per file version and served from memory.

#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "api/http/message.hpp"

namespace unknot::api::http {

class StaticFiles {
 public:
  // `root` need not exist yet (see available()); it is resolved again on every request.
  explicit StaticFiles(std::filesystem::path root);

  // The file at `relative_path` (already percent-decoded, e.g. "assets/app-1a2b.js") with a
  // content type chosen by extension. `Cache-Control` is "no-cache" for .html and "public,
  // max-age=31536000, immutable" for files under "assets/" (their names carry a content hash).
  // Every file carries the app's Content-Security-Policy (kAppContentSecurityPolicy).
  // An empty path or a directory gives its index.html. 404 problem when the file does not exist
  // or the path is refused: it contains "..", a NUL or a backslash, is absolute, or leads outside
  // the root once symlinks are resolved. 500 problem when an existing file cannot be read.
  //
  // With `gzip` (the client accepts it, see AcceptsGzip) a text file of at least kMinGzipBytes is
  // sent with `Content-Encoding: gzip`; every text file carries `Vary: Accept-Encoding`. A file
  // changed on disk (size or modification time) is compressed again.
  Response Serve(std::string_view relative_path, bool gzip = false) const;

  // The root's index.html, for client-side routes of the single-page app.
  Response ServeIndex(bool gzip = false) const;

  static constexpr std::size_t kMinGzipBytes = 512;

  // Whether the root is a directory holding index.html, i.e. the web app has been built.
  bool available() const;

 private:
  struct Compressed {
    std::filesystem::file_time_type modified;
    std::uintmax_t size;
    std::string gzip;
  };
  // The gzip form of `file` (canonical), kept in memory while its size and modification time
  // stay the same, so a repeated request reads nothing from disk. nullopt for a file smaller than
  // kMinGzipBytes, or one that cannot be read or changes while being read (it then goes out as
  // it is).
  std::optional<std::string> GzipOf(const std::filesystem::path& file) const;

  std::filesystem::path root_;  // as given; resolved when serving
  mutable std::mutex mutex_;
  mutable std::unordered_map<std::string, Compressed> compressed_;  // by canonical path
};

// The Content-Type for a file name by its extension; "application/octet-stream" when unknown.
std::string_view ContentTypeFor(const std::filesystem::path& file);

}  // namespace unknot::api::http
