#include "api/http/router.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <exception>
#include <future>
#include <memory>
#include <stdexcept>

namespace unknot::api::http {
namespace {

// "/a/b/" -> {"a", "b", ""}; "/" -> {""}. `path` starts with '/'.
std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  segments.reserve(static_cast<std::size_t>(std::count(path.begin(), path.end(), '/')) + 1);
  while (true) {
    std::size_t slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

// A set of methods, one bit per Method.
unsigned Bit(Method method) { return 1u << static_cast<unsigned>(method); }

// The methods in enum order, with HEAD implied by GET, e.g. "GET, HEAD, POST".
std::string AllowHeader(unsigned methods) {
  if ((methods & Bit(Method::kGet)) != 0) methods |= Bit(Method::kHead);
  std::string allow;
  for (Method method : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kPatch,
                        Method::kDelete, Method::kOptions, Method::kOther}) {
    if ((methods & Bit(method)) == 0) continue;
    if (!allow.empty()) allow += ", ";
    allow += ToString(method);
  }
  return allow;
}

}  // namespace

std::vector<Router::Segment> Router::ParsePattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': " + std::string(pattern));
  }
  std::vector<Segment> segments;
  std::vector<std::string_view> parts = SplitPath(pattern);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    bool opens = part.find('{') != std::string_view::npos;
    bool closes = part.find('}') != std::string_view::npos;
    if (!opens && !closes) {
      segments.push_back({SegmentKind::kLiteral, std::string(part), ""});
      continue;
    }
    // "{name}" or "{name}.ext": a parameter, optionally followed by a literal extension.
    std::size_t close = part.find('}');
    std::string_view suffix =
        close == std::string_view::npos ? std::string_view() : part.substr(close + 1);
    if (part.size() < 3 || part.front() != '{' || close == std::string_view::npos || close < 2 ||
        part.find('{', 1) != std::string_view::npos ||
        suffix.find_first_of("{}") != std::string_view::npos ||
        (!suffix.empty() && (suffix.size() < 2 || suffix.front() != '.'))) {
      throw std::invalid_argument("a route parameter must be a whole segment: " +
                                  std::string(pattern));
    }
    std::string_view name = part.substr(1, close - 1);
    SegmentKind kind = SegmentKind::kParam;
    if (name.size() > 3 && name.substr(name.size() - 3) == "...") {
      if (!suffix.empty()) {
        throw std::invalid_argument("a catch-all cannot have a suffix: " + std::string(pattern));
      }
      if (i + 1 != parts.size()) {
        throw std::invalid_argument("a catch-all must be the last segment: " +
                                    std::string(pattern));
      }
      name.remove_suffix(3);
      kind = SegmentKind::kCatchAll;
    }
    for (const Segment& previous : segments) {
      if (previous.kind != SegmentKind::kLiteral && previous.text == name) {
        throw std::invalid_argument("duplicate route parameter: " + std::string(pattern));
      }
    }
    segments.push_back({kind, std::string(name), std::string(suffix)});
  }
  return segments;
}

void Router::Append(Entry entry) {
  const std::size_t position = routes_.size();
  const std::vector<Segment>& segments = entry.segments;
  if (!segments.empty() && segments.back().kind == SegmentKind::kCatchAll) {
    catch_alls_.push_back(position);
  } else {
    if (by_length_.size() <= segments.size()) by_length_.resize(segments.size() + 1);
    by_length_[segments.size()].push_back(position);
  }
  routes_.push_back(std::move(entry));
}

void Router::Add(Method method, std::string_view pattern, Handler handler) {
  Append({method, std::string(pattern), ParsePattern(pattern), std::move(handler), {}, {}});
}

void Router::AddAsync(Method method, std::string_view pattern, AsyncHandler handler) {
  Append({method, std::string(pattern), ParsePattern(pattern), {}, std::move(handler), {}});
}

void Router::AddStream(Method method, std::string_view pattern, StreamHandler handler) {
  Append({method, std::string(pattern), ParsePattern(pattern), {}, {}, std::move(handler)});
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  out.reserve(routes_.size());
  for (const Entry& route : routes_) out.push_back({route.method, route.pattern});
  return out;
}

void Router::Wrap(Method method, std::string_view pattern,
                  const std::function<Handler(Handler)>& wrap) {
  const std::vector<Segment> segments = ParsePattern(pattern);
  for (Entry& route : routes_) {
    if (route.method == method && route.segments == segments) {
      if (!route.handler) {
        throw std::invalid_argument("cannot wrap the asynchronous or streaming route " +
                                    std::string(pattern));
      }
      route.handler = wrap(std::move(route.handler));
      return;
    }
  }
  throw std::invalid_argument("no route " + std::string(ToString(method)) + " " +
                              std::string(pattern) + " to wrap");
}

bool Router::Matches(const Entry& route, const std::vector<std::string_view>& path_segments) {
  const std::vector<Segment>& segments = route.segments;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const Segment& segment = segments[i];
    if (i >= path_segments.size()) return false;
    switch (segment.kind) {
      case SegmentKind::kLiteral:
        if (path_segments[i] != segment.text) return false;
        break;
      case SegmentKind::kParam: {
        std::string_view part = path_segments[i];
        if (part.size() <= segment.suffix.size() || !part.ends_with(segment.suffix)) return false;
        break;
      }
      case SegmentKind::kCatchAll:
        return true;
    }
  }
  return segments.size() == path_segments.size();
}

std::map<std::string, std::string, std::less<>> Router::Params(
    const Entry& route, const std::vector<std::string_view>& path_segments) {
  std::map<std::string, std::string, std::less<>> params;
  const std::vector<Segment>& segments = route.segments;
  for (std::size_t i = 0; i < segments.size() && i < path_segments.size(); ++i) {
    const Segment& segment = segments[i];
    switch (segment.kind) {
      case SegmentKind::kLiteral:
        break;
      case SegmentKind::kParam: {
        std::string_view part = path_segments[i];
        part.remove_suffix(segment.suffix.size());
        params.emplace(segment.text, part);
        break;
      }
      case SegmentKind::kCatchAll: {
        std::string rest;
        for (std::size_t j = i; j < path_segments.size(); ++j) {
          if (j > i) rest += '/';
          rest += path_segments[j];
        }
        params.emplace(segment.text, std::move(rest));
        return params;
      }
    }
  }
  return params;
}

bool Router::MoreSpecific(const Entry& a, const Entry& b) {
  std::size_t common = std::min(a.segments.size(), b.segments.size());
  for (std::size_t i = 0; i < common; ++i) {
    if (a.segments[i].kind != b.segments[i].kind) return a.segments[i].kind < b.segments[i].kind;
    // "{id}.ics" is more specific than "{id}".
    if (a.segments[i].suffix.empty() != b.segments[i].suffix.empty()) {
      return !a.segments[i].suffix.empty();
    }
  }
  return false;  // equally specific: the route added first wins
}

std::variant<const Router::Entry*, Response> Router::Find(Request& request) const {
  std::vector<std::string_view> path_segments = SplitPath(request.path);
  const Entry* best = nullptr;
  const Entry* best_get = nullptr;  // for HEAD without a HEAD route
  unsigned allowed = 0;             // the methods of every route that matches the path

  // The routes that can match this many segments, in the order added (which breaks ties): those
  // of exactly that length and those with a catch-all, merged by position.
  static const std::vector<std::size_t> kNone;
  const std::vector<std::size_t>& fixed =
      path_segments.size() < by_length_.size() ? by_length_[path_segments.size()] : kNone;
  auto next_fixed = fixed.begin();
  auto next_catch_all = catch_alls_.begin();
  while (next_fixed != fixed.end() || next_catch_all != catch_alls_.end()) {
    std::size_t position = 0;
    if (next_catch_all == catch_alls_.end() ||
        (next_fixed != fixed.end() && *next_fixed < *next_catch_all)) {
      position = *next_fixed++;
    } else {
      position = *next_catch_all++;
    }
    const Entry& route = routes_[position];
    if (!Matches(route, path_segments)) continue;
    allowed |= Bit(route.method);
    if (route.method == request.method && (!best || MoreSpecific(route, *best))) {
      best = &route;
    } else if (request.method == Method::kHead && route.method == Method::kGet &&
               (!best_get || MoreSpecific(route, *best_get))) {
      best_get = &route;
    }
  }
  if (!best) best = best_get;
  if (!best) {
    if (allowed == 0) {
      return Problem(core::Error::NotFound("no resource at " + request.path));
    }
    Response response = Problem(
        405, "", std::string(ToString(request.method)) + " is not allowed on this resource");
    response.headers.emplace_back("Allow", AllowHeader(allowed));
    return response;
  }
  if (auto refused = RefuseNonJsonBody(request)) return std::move(*refused);
  request.path_params = Params(*best, path_segments);
  return best;
}

namespace {

// Logs what escaped a handler; the answer is a 500 problem without the exception's text.
Response Escaped(const Request& request, const std::exception* e) {
  if (e != nullptr) {
    spdlog::error("unhandled exception in {} {}: {}", ToString(request.method),
                  LoggablePath(request.path), e->what());
  } else {
    spdlog::error("unhandled non-standard exception in {} {}", ToString(request.method),
                  LoggablePath(request.path));
  }
  return Problem(core::Error(core::ErrorCode::kInternal,
                             "The server could not complete the request; it has been logged."));
}

}  // namespace

std::variant<Response, Router::Start, StreamStart> Router::Route(Request& request) const {
  auto found = Find(request);
  if (auto* response = std::get_if<Response>(&found)) return std::move(*response);
  const Entry* route = std::get<const Entry*>(found);
  if (route->stream) {
    try {
      StreamReply reply = route->stream(request);
      if (auto* response = std::get_if<Response>(&reply)) return std::move(*response);
      return std::move(std::get<StreamStart>(reply));
    } catch (const std::exception& e) {
      return Escaped(request, &e);
    } catch (...) {
      return Escaped(request, nullptr);
    }
  }
  if (route->handler) {
    try {
      return route->handler(request);
    } catch (const std::exception& e) {
      return Escaped(request, &e);
    } catch (...) {
      return Escaped(request, nullptr);
    }
  }
  return Start([route, &request](Respond respond) {
    // Called at most once, whatever the handler does; a throw before it answered is a 500.
    auto answered = std::make_shared<std::atomic<bool>>(false);
    Respond once = [answered, respond = std::move(respond)](Response response) {
      if (!answered->exchange(true)) respond(std::move(response));
    };
    try {
      route->async(request, once);
    } catch (const std::exception& e) {
      once(Escaped(request, &e));
    } catch (...) {
      once(Escaped(request, nullptr));
    }
  });
}

Response Router::Dispatch(Request& request) const {
  auto routed = Route(request);
  if (auto* response = std::get_if<Response>(&routed)) return std::move(*response);
  if (auto* stream = std::get_if<StreamStart>(&routed)) {
    Response head;
    head.status = stream->status;
    head.content_type = std::move(stream->content_type);
    head.headers = std::move(stream->headers);
    return head;
  }
  std::promise<Response> answer;
  std::future<Response> future = answer.get_future();
  auto shared = std::make_shared<std::promise<Response>>(std::move(answer));
  std::get<Start>(routed)([shared](Response response) { shared->set_value(std::move(response)); });
  return future.get();
}

std::optional<Response> RefuseNonJsonBody(const Request& request) {
  switch (request.method) {
    case Method::kPost:
    case Method::kPut:
    case Method::kPatch:
    case Method::kDelete:
      break;
    default:
      return std::nullopt;
  }
  if (request.body.empty()) return std::nullopt;
  std::string_view type = request.Header("content-type").value_or("");
  type = type.substr(0, type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  std::string lower(type);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  // FHIR's JSON types are JSON too, and beyond what a form can send.
  if (lower == "application/json" || lower == "application/fhir+json" ||
      lower == "application/json-patch+json") {
    return std::nullopt;
  }
  return Problem(415, "", "send the request body as JSON, with Content-Type: application/json");
}

}  // namespace unknot::api::http
