#include "api/http/router.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

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

}  // namespace
}  // namespace unknot::api::http
