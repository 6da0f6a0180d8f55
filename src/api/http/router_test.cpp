#include "api/http/router.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

namespace unknot::api::http {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

// A handler that answers with its name and the path parameters it saw, e.g. "service clinic=x".
Handler Named(std::string name) {
  return [name](Request& request) {
    std::string body = name;
    for (const auto& [key, value] : request.path_params) body += " " + key + "=" + value;
    return Response::Text(200, body);
  };
}

Request MakeRequest(Method method, std::string path) {
  Request request;
  request.method = method;
  request.path = std::move(path);
  return request;
}

Response Dispatch(const Router& router, Method method, std::string path) {
  Request request = MakeRequest(method, std::move(path));
  return router.Dispatch(request);
}

TEST(RouterTest, MatchesLiteralsAndFillsParams) {
  Router router;
  router.Add(Method::kGet, "/", Named("root"));
  router.Add(Method::kGet, "/api/v1/clinics/{clinic}/services", Named("services"));
  router.Add(Method::kGet, "/api/v1/clinics/{clinic}/services/{service}", Named("service"));

  EXPECT_EQ(Dispatch(router, Method::kGet, "/").body, "root");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/api/v1/clinics/downtown/services").body,
            "services clinic=downtown");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/api/v1/clinics/downtown/services/7").body,
            "service clinic=downtown service=7");
}

TEST(RouterTest, ParamsAreVisibleThroughRequest) {
  Router router;
  std::string seen;
  router.Add(Method::kGet, "/clinics/{clinic}", [&seen](Request& request) {
    seen = request.PathParam("clinic");
    return Response::Text(200, "");
  });

  Dispatch(router, Method::kGet, "/clinics/café");

  EXPECT_EQ(seen, "café");
}

TEST(RouterTest, LiteralWinsOverParamWhateverTheOrder) {
  Router router;
  router.Add(Method::kGet, "/clinics/{clinic}", Named("param"));
  router.Add(Method::kGet, "/clinics/new", Named("literal"));
  router.Add(Method::kGet, "/{a}/{b}/x", Named("params-first"));
  router.Add(Method::kGet, "/c/{b}/{c}", Named("literal-first"));

  EXPECT_EQ(Dispatch(router, Method::kGet, "/clinics/new").body, "literal");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/clinics/old").body, "param clinic=old");
  // The first segment that differs decides: "c" is literal in the second pattern.
  EXPECT_EQ(Dispatch(router, Method::kGet, "/c/y/x").body, "literal-first b=y c=x");
}

TEST(RouterTest, ParamWithSuffixBeatsPlainParamWhateverTheOrder) {
  Router router;
  router.Add(Method::kGet, "/appointments/{id}", Named("plain"));
  router.Add(Method::kGet, "/appointments/{id}.ics", Named("ics"));

  EXPECT_EQ(Dispatch(router, Method::kGet, "/appointments/7.ics").body, "ics id=7");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/appointments/7").body, "plain id=7");
  // The name before the suffix must not be empty.
  EXPECT_EQ(Dispatch(router, Method::kGet, "/appointments/.ics").body, "plain id=.ics");
  EXPECT_THROW(router.Add(Method::kGet, "/x/{a}b{c}", Named("bad")), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/x/{rest...}.ics", Named("bad")), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/x/a{id}", Named("bad")), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/x/{id}ics", Named("bad")), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/x/{id}.", Named("bad")), std::invalid_argument);
}

TEST(RouterTest, ParamDoesNotMatchEmptyOrMissingSegments) {
  Router router;
  router.Add(Method::kGet, "/clinics/{clinic}", Named("clinic"));

  EXPECT_EQ(Dispatch(router, Method::kGet, "/clinics/").status, 404u);
  EXPECT_EQ(Dispatch(router, Method::kGet, "/clinics").status, 404u);
  EXPECT_EQ(Dispatch(router, Method::kGet, "/clinics/x/y").status, 404u);
}

TEST(RouterTest, CatchAllTakesTheRestIncludingEmpty) {
  Router router;
  router.Add(Method::kGet, "/c/{clinic}/{path...}", Named("web"));
  router.Add(Method::kGet, "/c/{clinic}/staff", Named("staff"));

  EXPECT_EQ(Dispatch(router, Method::kGet, "/c/x/").body, "web clinic=x path=");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/c/x/assets/app.js").body,
            "web clinic=x path=assets/app.js");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/c/x/a//b/").body, "web clinic=x path=a//b/");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/c/x/staff").body, "staff clinic=x");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/c/x").status, 404u);
}

// Find looks only at the routes of the path's length and at the catch-alls; precedence and the
// first-added tie-break must be the same as over the whole list.
TEST(RouterTest, RoutesOfOtherLengthsAndCatchAllsKeepTheirPrecedence) {
  Router router;
  router.Add(Method::kGet, "/files/{path...}", Named("all"));
  router.Add(Method::kGet, "/files/{name}", Named("one"));
  router.Add(Method::kGet, "/files/a/{rest...}", Named("under-a"));
  router.Add(Method::kGet, "/files/a/b", Named("a-b"));
  router.Add(Method::kGet, "/files/{dir}/{file}", Named("two"));
  router.Add(Method::kGet, "/files/{other...}", Named("all-again"));

  EXPECT_EQ(Dispatch(router, Method::kGet, "/files/x").body, "one name=x");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/files/").body, "all path=");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/files/a/b").body, "a-b");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/files/a/c").body, "under-a rest=c");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/files/x/y").body, "two dir=x file=y");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/files/x/y/z").body, "all path=x/y/z");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/files").status, 404u);
}

// Only the winning route's parameters reach the handler, not those of routes tried before it.
TEST(RouterTest, OnlyTheWinnersParamsAreFilled) {
  Router router;
  router.Add(Method::kGet, "/{first}/b/{third}", Named("params"));
  router.Add(Method::kGet, "/a/{second}/c", Named("literal-first"));
  router.Add(Method::kPost, "/{x}/{y}/{z}", Named("post"));

  EXPECT_EQ(Dispatch(router, Method::kGet, "/a/b/c").body, "literal-first second=b");
  EXPECT_EQ(Dispatch(router, Method::kHead, "/a/b/c").body, "literal-first second=b");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/z/b/c").body, "params first=z third=c");
}

TEST(RouterTest, AllowNamesTheMethodsOfRoutesOfEveryShape) {
  Router router;
  router.Add(Method::kPost, "/x/{rest...}", Named("post"));
  router.Add(Method::kPut, "/x/y", Named("put"));
  router.Add(Method::kDelete, "/x/{id}/z", Named("delete"));

  Response response = Dispatch(router, Method::kGet, "/x/y");

  EXPECT_EQ(response.status, 405u);
  EXPECT_THAT(response.headers, Contains(Pair("Allow", "POST, PUT")));
}

TEST(RouterTest, UnknownPathIsNotFoundProblem) {
  Router router;
  router.Add(Method::kGet, "/healthz", Named("health"));

  Response response = Dispatch(router, Method::kGet, "/nope");

  EXPECT_EQ(response.status, 404u);
  EXPECT_EQ(response.content_type, "application/problem+json");
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["status"], 404);
  EXPECT_EQ(body["type"], "https://unknot.dev/problems/not-found");
}

TEST(RouterTest, WrongMethodIsMethodNotAllowedWithAllow) {
  Router router;
  router.Add(Method::kPost, "/clinics/{clinic}/appointments", Named("book"));
  router.Add(Method::kGet, "/clinics/{clinic}/appointments", Named("list"));
  router.Add(Method::kDelete, "/clinics/{clinic}/other", Named("other"));

  Response response = Dispatch(router, Method::kPut, "/clinics/x/appointments");

  EXPECT_EQ(response.status, 405u);
  EXPECT_EQ(response.content_type, "application/problem+json");
  EXPECT_THAT(response.headers, Contains(Pair("Allow", "GET, HEAD, POST")));
  EXPECT_EQ(nlohmann::json::parse(response.body)["status"], 405);
}

TEST(RouterTest, MethodIsMatchedBeforePrecedence) {
  Router router;
  router.Add(Method::kGet, "/clinics/new", Named("form"));
  router.Add(Method::kPost, "/clinics/{clinic}", Named("update"));

  EXPECT_EQ(Dispatch(router, Method::kPost, "/clinics/new").body, "update clinic=new");
}

TEST(RouterTest, HeadFallsBackToGet) {
  Router router;
  router.Add(Method::kGet, "/healthz", Named("get"));
  router.Add(Method::kGet, "/x", Named("get-x"));
  router.Add(Method::kHead, "/x", Named("head-x"));

  Request request = MakeRequest(Method::kHead, "/healthz");
  Response response = router.Dispatch(request);
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(response.body, "get");
  EXPECT_EQ(request.method, Method::kHead);  // so the server still drops the body
  EXPECT_EQ(Dispatch(router, Method::kHead, "/x").body, "head-x");
}

TEST(RouterTest, HeadWithoutGetIsNotAllowed) {
  Router router;
  router.Add(Method::kPost, "/book", Named("book"));

  Response response = Dispatch(router, Method::kHead, "/book");

  EXPECT_EQ(response.status, 405u);
  EXPECT_THAT(response.headers, Contains(Pair("Allow", "POST")));
}

TEST(RouterTest, ExceptionBecomesInternalErrorProblem) {
  Router router;
  router.Add(Method::kGet, "/boom", [](Request&) -> Response {
    throw std::runtime_error("database password is hunter2");
  });
  router.Add(Method::kGet, "/int", [](Request&) -> Response { throw 42; });

  Response response = Dispatch(router, Method::kGet, "/boom");

  EXPECT_EQ(response.status, 500u);
  EXPECT_EQ(response.content_type, "application/problem+json");
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["status"], 500);
  EXPECT_EQ(body["title"], "Internal error");
  EXPECT_EQ(body["type"], "https://unknot.dev/problems/internal");
  EXPECT_THAT(body["detail"].get<std::string>(), Not(HasSubstr("hunter2")));
  EXPECT_EQ(Dispatch(router, Method::kGet, "/int").status, 500u);
}

TEST(RouterTest, RejectsMalformedPatterns) {
  Router router;
  EXPECT_THROW(router.Add(Method::kGet, "no-slash", Named("x")), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/a{b}", Named("x")), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/{a}b", Named("x")), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/{}", Named("x")), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/{a...}/b", Named("x")), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/{a}/{a}", Named("x")), std::invalid_argument);
  EXPECT_THROW(router.Add(Method::kGet, "/{a{b}}", Named("x")), std::invalid_argument);
}

TEST(RouterTest, WrapGuardsExactlyTheNamedRoute) {
  Router router;
  router.Add(Method::kPost, "/c/{clinic}/appointments", Named("book"));
  router.Add(Method::kGet, "/c/{clinic}/appointments", Named("list"));
  router.Wrap(Method::kPost, "/c/{clinic}/appointments", [](Handler inner) -> Handler {
    return [inner](Request& request) {
      if (request.PathParam("clinic") == "closed") return Response::Text(429, "wait");
      return inner(request);
    };
  });

  EXPECT_EQ(Dispatch(router, Method::kPost, "/c/open/appointments").body, "book clinic=open");
  EXPECT_EQ(Dispatch(router, Method::kPost, "/c/closed/appointments").status, 429u);
  EXPECT_EQ(Dispatch(router, Method::kGet, "/c/closed/appointments").body, "list clinic=closed");
  EXPECT_THROW(router.Wrap(Method::kPost, "/c/{slug}/appointments", [](Handler h) { return h; }),
               std::invalid_argument);
  EXPECT_THROW(router.Wrap(Method::kPut, "/c/{clinic}/appointments", [](Handler h) { return h; }),
               std::invalid_argument);
}

TEST(RouterTest, AnAsynchronousRouteAnswersFromAnotherThread) {
  Router router;
  router.AddAsync(Method::kPost, "/slow/{n}", [](Request& request, Respond respond) {
    std::string n(request.PathParam("n"));
    std::thread([n, respond] { respond(Response::Text(202, "done " + n)); }).detach();
  });
  router.AddAsync(Method::kGet, "/throws",
                  [](Request&, Respond) -> void { throw std::runtime_error("boom"); });
  router.AddAsync(Method::kGet, "/twice", [](Request&, Respond respond) {
    respond(Response::Text(200, "first"));
    respond(Response::Text(500, "second"));
  });

  Response slow = Dispatch(router, Method::kPost, "/slow/7");
  EXPECT_EQ(slow.status, 202u);
  EXPECT_EQ(slow.body, "done 7");
  EXPECT_EQ(Dispatch(router, Method::kGet, "/throws").status, 500u);
  // Only the first answer counts.
  EXPECT_EQ(Dispatch(router, Method::kGet, "/twice").body, "first");

  Request request;
  request.method = Method::kPost;
  request.path = "/slow/8";
  auto routed = router.Route(request);
  ASSERT_TRUE(std::holds_alternative<Router::Start>(routed));
  std::promise<Response> answer;
  auto future = answer.get_future();
  std::get<Router::Start>(routed)([&answer](Response r) { answer.set_value(std::move(r)); });
  EXPECT_EQ(future.get().body, "done 8");
  EXPECT_THROW(router.Wrap(Method::kPost, "/slow/{n}", [](Handler h) { return h; }),
               std::invalid_argument);
}

TEST(RouterTest, ListsEveryRouteAsRegistered) {
  Router router;
  router.Add(Method::kGet, "/a/{x}", Named("a"));
  router.AddAsync(Method::kPost, "/b", [](Request&, Respond respond) { respond(Response{}); });
  auto routes = router.Routes();
  ASSERT_EQ(routes.size(), 2u);
  EXPECT_EQ(routes[0].method, Method::kGet);
  EXPECT_EQ(routes[0].pattern, "/a/{x}");
  EXPECT_EQ(routes[1].method, Method::kPost);
  EXPECT_EQ(routes[1].pattern, "/b");
}

TEST(RouterTest, AStateChangingRequestWithABodyMustBeJson) {
  int ran = 0;
  Router router;
  for (Method m : {Method::kPost, Method::kPut, Method::kPatch, Method::kDelete, Method::kGet}) {
    router.Add(m, "/x", [&ran](Request&) {
      ++ran;
      return Response::Text(200, "ran");
    });
  }
  auto send = [&](Method method, std::string body, std::string type) {
    Request request;
    request.method = method;
    request.path = "/x";
    request.body = std::move(body);
    if (!type.empty()) request.headers = {{"content-type", std::move(type)}};
    return router.Dispatch(request).status;
  };
  // What a cross-site HTML form can send, and no type at all: refused before the handler runs.
  for (Method m : {Method::kPost, Method::kPut, Method::kPatch, Method::kDelete}) {
    EXPECT_EQ(send(m, "{}", "text/plain"), 415u);
    EXPECT_EQ(send(m, "{}", "application/x-www-form-urlencoded"), 415u);
    EXPECT_EQ(send(m, "{}", "multipart/form-data; boundary=x"), 415u);
    EXPECT_EQ(send(m, "{}", ""), 415u);
    EXPECT_EQ(send(m, "{}", "application/jsonp"), 415u);
  }
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(send(Method::kPost, "{}", "application/json"), 200u);
  EXPECT_EQ(send(Method::kPost, "{}", "Application/JSON; charset=utf-8"), 200u);
  EXPECT_EQ(send(Method::kDelete, "", ""), 200u);  // no body, nothing to parse
  EXPECT_EQ(send(Method::kGet, "{}", "text/plain"), 200u);
  EXPECT_EQ(send(Method::kPost, "{}", "application/fhir+json"), 200u);
  EXPECT_EQ(send(Method::kPatch, "[]", "application/json-patch+json"), 200u);
  EXPECT_EQ(ran, 6);
}

}  // namespace
}  // namespace unknot::api::http
