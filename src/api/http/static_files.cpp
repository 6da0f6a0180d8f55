#include "api/http/static_files.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>
#include <utility>

#include "api/http/gzip.hpp"
#include "api/http/security_headers.hpp"

namespace unknot::api::http {
namespace {

namespace fs = std::filesystem;

struct FileType {
  std::string_view extension;
  std::string_view content_type;
  bool compressible;  // text; images and fonts are compressed already
};

constexpr FileType kFileTypes[] = {
    {".html", "text/html; charset=utf-8", true},
    {".js", "text/javascript; charset=utf-8", true},
    {".mjs", "text/javascript; charset=utf-8", true},
    {".css", "text/css; charset=utf-8", true},
    {".svg", "image/svg+xml", true},
    {".png", "image/png", false},
    {".ico", "image/x-icon", false},
    {".json", "application/json", true},
    {".map", "application/json", true},
    {".woff2", "font/woff2", false},
    {".txt", "text/plain; charset=utf-8", true},
    {".webmanifest", "application/manifest+json", true},
};

const FileType* TypeOf(const fs::path& file) {
  std::string extension = file.extension().string();
  for (const FileType& type : kFileTypes) {
    if (extension == type.extension) return &type;
  }
  return nullptr;
}

std::string_view ContentTypeOf(const FileType* type) {
  return type ? type->content_type : "application/octet-stream";
}

constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";

Response NotFound() { return Problem(core::Error::NotFound("no such file")); }

// Whether `path` is `root` or lies beneath it; both are canonical.
bool IsWithin(const fs::path& path, const fs::path& root) {
  auto [root_end, path_it] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

std::optional<std::string> ReadFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string contents((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return contents;
}

}  // namespace

std::string_view ContentTypeFor(const fs::path& file) { return ContentTypeOf(TypeOf(file)); }

StaticFiles::StaticFiles(fs::path root) : root_(std::move(root)) {}

bool StaticFiles::available() const {
  std::error_code ec;
  return fs::is_regular_file(root_ / "index.html", ec);
}

Response StaticFiles::ServeIndex(bool gzip) const { return Serve("index.html", gzip); }

std::optional<std::string> StaticFiles::GzipOf(const fs::path& file) const {
  std::error_code ec;
  fs::file_time_type modified = fs::last_write_time(file, ec);
  if (ec) return std::nullopt;
  std::uintmax_t size = fs::file_size(file, ec);
  if (ec || size < kMinGzipBytes) return std::nullopt;
  {
    std::lock_guard lock(mutex_);
    auto found = compressed_.find(file.string());
    if (found != compressed_.end() && found->second.modified == modified &&
        found->second.size == size) {
      return found->second.gzip;
    }
  }
  std::optional<std::string> contents = ReadFile(file);
  if (!contents || contents->size() != size) return std::nullopt;  // changing: serve it as read
  std::string packed = Gzip(*contents);
  std::lock_guard lock(mutex_);
  compressed_[file.string()] = Compressed{modified, size, packed};
  return packed;
}

Response StaticFiles::Serve(std::string_view relative_path, bool gzip) const {
  if (relative_path.find("..") != std::string_view::npos ||
      relative_path.find('\0') != std::string_view::npos ||
      relative_path.find('\\') != std::string_view::npos ||
      (!relative_path.empty() && relative_path.front() == '/')) {
    return NotFound();
  }
  // Resolved on every request: the root may be created (or re-linked) after startup.
  std::error_code ec;
  fs::path root = fs::canonical(root_, ec);
  if (ec) return NotFound();
  fs::path file = fs::weakly_canonical(root / fs::path(relative_path), ec);
  if (ec || !IsWithin(file, root)) return NotFound();
  if (fs::is_directory(file, ec)) file /= "index.html";
  if (!fs::is_regular_file(file, ec)) return NotFound();
  // The index.html of a directory may itself be a symlink leading out of the root.
  file = fs::canonical(file, ec);
  if (ec || !IsWithin(file, root)) return NotFound();

  // Only the kinds of file a web app is made of. Anything else in the folder (a database someone
  // put there, its -wal, a backup) is not served: that would publish it, and reading a SQLite
  // file outside SQLite drops SQLite's locks in this process (docs/operations.md).
  const FileType* type = TypeOf(file);
  if (type == nullptr) return NotFound();
  const bool compressible = type->compressible;
  std::optional<std::string> packed = gzip && compressible ? GzipOf(file) : std::nullopt;
  const bool compressed = packed.has_value();
  std::optional<std::string> contents = compressed ? std::move(packed) : ReadFile(file);
  if (!contents) {
    spdlog::error("cannot read static file {}", file.string());
    return Problem(core::Error(core::ErrorCode::kInternal, "cannot read the file"));
  }
  Response response = Response::Text(200, std::move(*contents), std::string(ContentTypeOf(type)));
  if (compressed) response.headers.emplace_back("Content-Encoding", "gzip");
  if (compressible) response.headers.emplace_back("Vary", "Accept-Encoding");
  fs::path relative = file.lexically_relative(root);
  if (file.extension() == ".html") {
    response.headers.emplace_back("Cache-Control", "no-cache");
  } else if (!relative.empty() && *relative.begin() == "assets") {
    response.headers.emplace_back("Cache-Control", std::string(kImmutable));
  }
  SetAppContentSecurityPolicy(response);
  return response;
}

}  // namespace unknot::api::http
