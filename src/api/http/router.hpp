#pragma once

// Maps (method, path) to a handler. Hand-written because it is small: a list of routes, each a
// pattern of literal segments, `{name}` segments and an optional trailing `{name...}` catch-all.

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "api/http/message.hpp"

namespace unknot::api::http {

// Handlers are synchronous and may run on several I/O threads at once, so they must be
// thread-safe. Expected failures should come back as responses (see Problem); an escaped
// exception becomes a 500.
using Handler = std::function<Response(Request&)>;

class Router {
 public:
  // Registers `handler` for `method` on `pattern`, e.g. "/api/v1/clinics/{clinic}/services" or
  // "/c/{clinic}/{path...}". A `{name}` segment matches one non-empty segment; a final
  // `{name...}` matches the rest of the path, possibly empty ("/c/x/" gives path ""), but not a
  // missing segment ("/c/x" does not match). Throws std::invalid_argument for a malformed pattern
  // (a programming error caught at startup): no leading '/', a brace that is not a whole segment,
  // a catch-all that is not last, or a parameter name used twice.
  void Add(Method method, std::string_view pattern, Handler handler);

  // Replaces the handler registered for exactly `method` and `pattern` with wrap(handler), so
  // one piece of code (e.g. rate limits) can guard routes that others registered. Throws
  // std::invalid_argument when there is no such route (a programming error caught at startup).
  void Wrap(Method method, std::string_view pattern, const std::function<Handler(Handler)>& wrap);

  // Runs the most specific matching route's handler with `request.path_params` filled in. At the
  // first segment where two matching patterns differ, a literal beats `{name}`, which beats a
  // catch-all. HEAD uses the GET handler when there is no HEAD route (the server drops the body).
  // No route matches the path: 404 problem. Routes match the path but not the method: 405 problem
  // with an `Allow` header. A handler that throws: the exception is logged and a 500 problem
  // returned; this is the one catch site per request.
  Response Dispatch(Request& request) const;

 private:
  enum class SegmentKind { kLiteral, kParam, kCatchAll };  // in order of precedence
  struct Segment {
    SegmentKind kind;
    std::string text;  // the literal, or the parameter's name

    friend bool operator==(const Segment&, const Segment&) = default;
  };
  struct Route {
    Method method;
    std::vector<Segment> segments;
    Handler handler;
  };

  static std::vector<Segment> ParsePattern(std::string_view pattern);
  // Whether `route` matches `path_segments`; fills `params` when it does.
  static bool Matches(const Route& route, const std::vector<std::string_view>& path_segments,
                      std::map<std::string, std::string, std::less<>>& params);
  // Whether `a` should win over `b` when both match the same path.
  static bool MoreSpecific(const Route& a, const Route& b);

  std::vector<Route> routes_;
};

}  // namespace unknot::api::http
