#include "api/web_routes.hpp"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

#include "api/http/gzip.hpp"
#include "api/http/security_headers.hpp"

namespace unknot::api {
namespace {

using http::Request;
using http::Response;

std::string EscapeHtml(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Response ClinicList(const std::vector<core::clinic::Clinic>& clinics) {
  std::string html =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
      "<title>Unknot</title></head><body><main><h1>Clinics</h1>";
  if (clinics.empty()) {
    html += "<p>No clinic is set up yet. Load the demo clinic with <code>unknot demo</code>.</p>";
  } else {
    html += "<ul>";
    for (const auto& c : clinics) {
      html += "<li><a href=\"/c/" + EscapeHtml(c.slug) + "/\">" + EscapeHtml(c.name) + "</a></li>";
    }
    html += "</ul>";
  }
  html += "</main></body></html>";
  Response response = Response::Text(200, std::move(html), "text/html; charset=utf-8");
  http::SetAppContentSecurityPolicy(response);
  return response;
}

// Where `needle` (lower case) starts in `text`, ignoring case; npos when it does not occur.
std::size_t FindIgnoringCase(std::string_view text, std::string_view needle) {
  auto found =
      std::search(text.begin(), text.end(), needle.begin(), needle.end(),
                  [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  return found == text.end() ? std::string_view::npos
                             : static_cast<std::size_t>(found - text.begin());
}

// index.html for the clinic: its head completed by WithClinicHead, compressed here when the
// client accepts gzip (the file differs per clinic, so StaticFiles' cache cannot hold it).
Response AppIndex(const http::StaticFiles& files, std::string_view slug, bool gzip) {
  Response response = files.ServeIndex(/*gzip=*/false);
  if (response.status != 200) return response;
  response.body = WithClinicHead(response.body, slug);
  if (gzip && response.body.size() >= http::StaticFiles::kMinGzipBytes) {
    response.body = http::Gzip(response.body);
    response.headers.emplace_back("Content-Encoding", "gzip");
  }
  return response;
}

bool LooksLikeFile(std::string_view path) {
  std::string_view last = path.substr(path.find_last_of('/') + 1);
  return last.find('.') != std::string_view::npos;
}

}  // namespace

void AddWebRoutes(http::Router& router, core::ports::ClinicRepository& clinics,
                  const http::StaticFiles& files) {
  router.Add(http::Method::kGet, "/", [&clinics](Request&) {
    auto list = clinics.ListClinics();
    if (!list) return http::Problem(list.error());
    if (list->size() == 1) return Response::Redirect(302, "/c/" + list->front().slug + "/");
    return ClinicList(*list);
  });
  router.Add(http::Method::kGet, "/c/{clinic}", [](Request& request) {
    return Response::Redirect(301, "/c/" + std::string(request.PathParam("clinic")) + "/");
  });
  router.Add(http::Method::kGet, "/c/{clinic}/{path...}", [&clinics, &files](Request& request) {
    auto clinic = clinics.FindClinic(request.PathParam("clinic"));
    if (!clinic) return http::Problem(clinic.error());
    if (!files.available()) {
      return http::Problem(503, "Web app not built",
                           "the web app is not in the web root; start unknot serve with "
                           "--web-root pointing at a built web app");
    }
    std::string_view path = request.PathParam("path");
    // Files (with an extension) are served or 404; anything else is a route of the app itself.
    bool gzip = http::AcceptsGzip(request);
    if (LooksLikeFile(path) && path != "index.html") return files.Serve(path, gzip);
    return AppIndex(files, clinic->slug, gzip);
  });
}

std::string WithClinicHead(std::string_view html, std::string_view slug) {
  const std::string root = "/c/" + EscapeHtml(slug) + "/";
  const std::string head = "<base href=\"" + root +
                           "\"><link rel=\"preload\" as=\"fetch\" crossorigin=\"anonymous\" "
                           "href=\"/api/v1/clinics/" +
                           EscapeHtml(slug) + "\">";
  std::size_t at = FindIgnoringCase(html, "<head>");
  if (at != std::string_view::npos) {
    at += std::string_view("<head>").size();
  } else if (FindIgnoringCase(html, "<!doctype html>") == 0) {
    at = std::string_view("<!doctype html>").size();
  } else {
    at = 0;
  }
  std::string out;
  out.reserve(html.size() + head.size());
  out.append(html.substr(0, at)).append(head).append(html.substr(at));
  return out;
}

void AddOpsRoutes(http::Router& router, core::ports::Storage& storage, const http::Metrics& metrics,
                  std::string version) {
  router.Add(http::Method::kGet, "/healthz",
             [](Request&) { return Response::Json(200, R"({"status":"ok"})"); });
  router.Add(http::Method::kGet, "/readyz", [&storage](Request&) {
    if (auto ping = storage.Ping(); !ping) {
      return http::Problem(503, "Not ready",
                           "the database does not answer: " + ping.error().message());
    }
    return Response::Json(200, R"({"status":"ready","database":"ok"})");
  });
  router.Add(
      http::Method::kGet, "/metrics", [&metrics, &storage, version = std::move(version)](Request&) {
        core::ports::Storage::WriteCounts writes = storage.Writes();
        std::string text = metrics.Render(version);
        text += "# HELP unknot_storage_commits_total Committed write transactions.\n";
        text += "# TYPE unknot_storage_commits_total counter\n";
        text += "unknot_storage_commits_total " + std::to_string(writes.commits) + "\n";
        text += "# HELP unknot_storage_writes_total Writes carried by those commits.\n";
        text += "# TYPE unknot_storage_writes_total counter\n";
        text += "unknot_storage_writes_total " + std::to_string(writes.writes) + "\n";
        return Response::Text(200, std::move(text), "text/plain; version=0.0.4; charset=utf-8");
      });
}

}  // namespace unknot::api
