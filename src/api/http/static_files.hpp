#pragma once

// Serves the built web app (web/dist) from a directory. Files are small, so each one is read
// whole into the response body.

#include <filesystem>
#include <string_view>

#include "api/http/message.hpp"

namespace unknot::api::http {

class StaticFiles {
 public:
  // `root` need not exist yet (see available()); it is resolved again on every request.
  explicit StaticFiles(std::filesystem::path root);

  // The file at `relative_path` (already percent-decoded, e.g. "assets/app-1a2b.js") with a
  // content type chosen by extension. `Cache-Control` is "no-cache" for .html and "public,
  // max-age=31536000, immutable" for files under "assets/" (their names carry a content hash).
  // An empty path or a directory gives its index.html. 404 problem when the file does not exist
  // or the path is refused: it contains "..", a NUL or a backslash, is absolute, or leads outside
  // the root once symlinks are resolved. 500 problem when an existing file cannot be read.
  Response Serve(std::string_view relative_path) const;

  // The root's index.html, for client-side routes of the single-page app.
  Response ServeIndex() const;

  // Whether the root is a directory holding index.html, i.e. the web app has been built.
  bool available() const;

 private:
  std::filesystem::path root_;  // as given; resolved when serving
};

// The Content-Type for a file name by its extension; "application/octet-stream" when unknown.
std::string_view ContentTypeFor(const std::filesystem::path& file);

}  // namespace unknot::api::http
