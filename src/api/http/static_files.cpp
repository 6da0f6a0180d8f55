#include "api/http/static_files.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <optional>
#include <system_error>
#include <utility>

namespace unknot::api::http {
namespace {

namespace fs = std::filesystem;

constexpr std::pair<std::string_view, std::string_view> kContentTypes[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".webmanifest", "application/manifest+json"},
};

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

std::string_view ContentTypeFor(const fs::path& file) {
  std::string extension = file.extension().string();
  for (const auto& [known, type] : kContentTypes) {
    if (extension == known) return type;
  }
  return "application/octet-stream";
}

StaticFiles::StaticFiles(fs::path root) : root_(std::move(root)) {}

bool StaticFiles::available() const {
  std::error_code ec;
  return fs::is_regular_file(root_ / "index.html", ec);
}

Response StaticFiles::ServeIndex() const { return Serve("index.html"); }

Response StaticFiles::Serve(std::string_view relative_path) const {
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

  std::optional<std::string> contents = ReadFile(file);
  if (!contents) {
    spdlog::error("cannot read static file {}", file.string());
    return Problem(core::Error(core::ErrorCode::kInternal, "cannot read the file"));
  }
  Response response = Response::Text(200, std::move(*contents), std::string(ContentTypeFor(file)));
  fs::path relative = file.lexically_relative(root);
  if (file.extension() == ".html") {
    response.headers.emplace_back("Cache-Control", "no-cache");
  } else if (!relative.empty() && *relative.begin() == "assets") {
    response.headers.emplace_back("Cache-Control", std::string(kImmutable));
  }
  return response;
}

}  // namespace unknot::api::http
