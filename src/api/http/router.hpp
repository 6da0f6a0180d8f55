#pragma once

// Maps (method, path) to a handler. Hand-written because it is small: a list of routes, each a
// pattern of literal segments, `{name}` segments and an optional trailing `{name...}` catch-all.

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "api/http/message.hpp"
#include "api/http/stream.hpp"

namespace unknot::api::http {

// Handlers are synchronous and may run on several I/O threads at once, so they must be
// thread-safe. Expected failures should come back as responses (see Problem); an escaped
// exception becomes a 500.
using Handler = std::function<Response(Request&)>;

// A handler whose answer comes later, from another thread (e.g. after a password hash on the work
// pool): it must call `respond` exactly once, on any thread, and may return before that. The
// Request stays valid until then. An I/O thread never waits for it. Whoever holds `respond` must
// call it or drop it before the server is destroyed.
using Respond = std::function<void(Response)>;
using AsyncHandler = std::function<void(Request&, Respond)>;

// A registered route, as Router::Routes() lists it.
struct RouteInfo {
  Method method;
  std::string pattern;  // as registered, e.g. "/api/v1/clinics/{clinic}/session"
};

// Whether a request that changes state carries a body that is not JSON: POST, PUT, PATCH and
// DELETE with a non-empty body must say Content-Type: application/json (or FHIR's
// application/fhir+json and application/json-patch+json; parameters such as charset allowed). A
// cross-site HTML form can only send text/plain, form or multipart bodies, so this refuses forged
// writes before any handler parses them. The 415 problem, or nullopt.
std::optional<Response> RefuseNonJsonBody(const Request& request);

class Router {
 public:
  // Registers `handler` for `method` on `pattern`, e.g. "/api/v1/clinics/{clinic}/services" or
  // "/c/{clinic}/{path...}". A `{name}` segment matches one non-empty segment, and `{name}.ext`
  // one that ends with ".ext" after a non-empty name (it beats a plain `{name}`); a final
  // `{name...}` matches the rest of the path, possibly empty ("/c/x/" gives path ""), but not a
  // missing segment ("/c/x" does not match). Throws std::invalid_argument for a malformed pattern
  // (a programming error caught at startup): no leading '/', a brace that is not a whole segment,
  // a catch-all that is not last, or a parameter name used twice.
  void Add(Method method, std::string_view pattern, Handler handler);
  // The same for a handler that answers later (see AsyncHandler).
  void AddAsync(Method method, std::string_view pattern, AsyncHandler handler);
  // The same for a route that may answer with a long-lived stream (api/http/stream.hpp). Its
  // handler runs synchronously like a Handler's; the stream's body comes later.
  void AddStream(Method method, std::string_view pattern, StreamHandler handler);

  // Replaces the handler registered for exactly `method` and `pattern` with wrap(handler), so
  // one piece of code (e.g. rate limits) can guard routes that others registered. Throws
  // std::invalid_argument when there is no such route (a programming error caught at startup).
  void Wrap(Method method, std::string_view pattern, const std::function<Handler(Handler)>& wrap);

  // Runs the most specific matching route's handler with `request.path_params` filled in. At the
  // first segment where two matching patterns differ, a literal beats `{name}`, which beats a
  // catch-all. HEAD uses the GET handler when there is no HEAD route (the server drops the body).
  // No route matches the path: 404 problem. Routes match the path but not the method: 405 problem
  // with an `Allow` header. A handler that throws: the exception is logged and a 500 problem
  // returned; this is the one catch site per request. A state-changing request whose body is
  // not JSON gets 415 before its handler runs (RefuseNonJsonBody). An asynchronous route is
  // waited for on this thread (tests; the server uses Route instead). A streaming route's
  // StreamStart becomes a response with its status and headers and an empty body, and the stream
  // is never opened (on_open is not called).
  Response Dispatch(Request& request) const;

  // As Dispatch, without waiting: a synchronous route's (or an error's) response now, for an
  // asynchronous route a function that starts it and calls `respond` with its response later,
  // or a streaming route's StreamStart for the server to open.
  using Start = std::function<void(Respond)>;
  std::variant<Response, Start, StreamStart> Route(Request& request) const;

  // Every registered route, in the order added.
  std::vector<RouteInfo> Routes() const;

 private:
  enum class SegmentKind { kLiteral, kParam, kCatchAll };  // in order of precedence
  struct Segment {
    SegmentKind kind;
    std::string text;    // the literal, or the parameter's name
    std::string suffix;  // a parameter's literal suffix ("{id}.ics": ".ics"), else empty

    friend bool operator==(const Segment&, const Segment&) = default;
  };
  struct Entry {
    Method method;
    std::string pattern;
    std::vector<Segment> segments;
    Handler handler;       // set for a synchronous route
    AsyncHandler async;    // set for an asynchronous one
    StreamHandler stream;  // set for a streaming one
  };

  static std::vector<Segment> ParsePattern(std::string_view pattern);
  // Whether `route` matches `path_segments`. Compares views only: the parameters are copied out
  // (FillParams) for the one route that wins, not for every route tried.
  static bool Matches(const Entry& route, const std::vector<std::string_view>& path_segments);
  // The path parameters of `route`, which matches `path_segments`.
  static std::map<std::string, std::string, std::less<>> Params(
      const Entry& route, const std::vector<std::string_view>& path_segments);
  // Whether `a` should win over `b` when both match the same path.
  static bool MoreSpecific(const Entry& a, const Entry& b);
  // The route for `request` with its path parameters filled in, or the 404/405/415 answer.
  std::variant<const Entry*, Response> Find(Request& request) const;

  // Appends `entry` to routes_ and to its index.
  void Append(Entry entry);

  std::vector<Entry> routes_;
  // The index Find looks routes up in, so that a request tries only the routes that can match
  // its number of segments (a few dozen of ~160) instead of all of them. Positions in routes_,
  // each list in the order added: by_length_[n] holds the routes of n segments without a
  // catch-all; catch_alls_ those with one (they match n or more segments).
  std::vector<std::vector<std::size_t>> by_length_;
  std::vector<std::size_t> catch_alls_;
};

}  // namespace unknot::api::http
