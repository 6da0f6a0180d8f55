#include "api/http/message.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace unknot::api::http {
namespace {

using ::testing::Optional;
using ::testing::Pair;

TEST(ProblemTest, FromErrorCarriesAllFieldsAndContentType) {
  core::Error error(core::ErrorCode::kInvalidArgument, "two fields are wrong",
                    {{"start", "must be a date"}, {"service", "unknown service"}});

  Response response = Problem(error);

  EXPECT_EQ(response.status, 400u);
  EXPECT_EQ(response.content_type, "application/problem+json");
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["type"], "https://unknot.dev/problems/invalid-argument");
  EXPECT_EQ(body["title"], "Invalid request");
  EXPECT_EQ(body["status"], 400);
  EXPECT_EQ(body["detail"], "two fields are wrong");
  ASSERT_EQ(body["errors"].size(), 2u);
  EXPECT_EQ(body["errors"][0]["field"], "start");
  EXPECT_EQ(body["errors"][0]["reason"], "must be a date");
  EXPECT_EQ(body["errors"][1]["field"], "service");
}

TEST(ProblemTest, OmitsErrorsWhenThereAreNone) {
  auto body = nlohmann::json::parse(Problem(core::Error::NotFound("no clinic 'x'")).body);

  EXPECT_EQ(body["type"], "https://unknot.dev/problems/not-found");
  EXPECT_EQ(body["title"], "Not found");
  EXPECT_EQ(body["status"], 404);
  EXPECT_EQ(body["detail"], "no clinic 'x'");
  EXPECT_FALSE(body.contains("errors"));
}

TEST(ProblemTest, TitlesAndTypesPerErrorCode) {
  struct Case {
    core::ErrorCode code;
    unsigned status;
    const char* type;
    const char* title;
  };
  for (const Case& c : {
           Case{core::ErrorCode::kConflict, 409, "conflict", "Conflict"},
           Case{core::ErrorCode::kUnavailable, 503, "unavailable", "Service unavailable"},
           Case{core::ErrorCode::kInternal, 500, "internal", "Internal error"},
       }) {
    Response response = Problem(core::Error(c.code, "m"));
    auto body = nlohmann::json::parse(response.body);
    EXPECT_EQ(response.status, c.status);
    EXPECT_EQ(body["type"], std::string("https://unknot.dev/problems/") + c.type);
    EXPECT_EQ(body["title"], c.title);
  }
}

// A libpq or SQLite message (a host, a file, a statement) is logged, never sent to the client.
TEST(ProblemTest, InternalsStayOutOfTheDetail) {
  auto detail = [](core::ErrorCode code, std::string message) {
    return nlohmann::json::parse(Problem(core::Error(code, std::move(message))).body)["detail"];
  };
  EXPECT_EQ(detail(core::ErrorCode::kInternal, "SQL logic error near db.internal:5432"),
            kInternalDetail);
  EXPECT_EQ(detail(core::ErrorCode::kUnavailable, "server closed the connection unexpectedly"),
            kUnavailableDetail);
  EXPECT_EQ(detail(core::ErrorCode::kNotFound, "no clinic 'x'"), "no clinic 'x'");
  EXPECT_EQ(detail(core::ErrorCode::kConflict, "taken"), "taken");
}

TEST(ProblemTest, RawStatusUsesSlugOfTitle) {
  Response response = Problem(405, "", "POST is not allowed");
  auto body = nlohmann::json::parse(response.body);

  EXPECT_EQ(response.status, 405u);
  EXPECT_EQ(body["title"], "Method Not Allowed");
  EXPECT_EQ(body["type"], "https://unknot.dev/problems/method-not-allowed");
  EXPECT_EQ(body["detail"], "POST is not allowed");

  body = nlohmann::json::parse(Problem(429, "Slow down, please!", "d").body);
  EXPECT_EQ(body["type"], "https://unknot.dev/problems/slow-down-please");
}

TEST(ProblemTest, InvalidUtf8InDetailDoesNotThrow) {
  Response response = Problem(400, "", std::string("bad \xff byte"));
  EXPECT_NO_THROW({ [[maybe_unused]] auto parsed = nlohmann::json::parse(response.body); });
}

TEST(StatusForTest, MapsEveryErrorCode) {
  EXPECT_EQ(StatusFor(core::ErrorCode::kInvalidArgument), 400u);
  EXPECT_EQ(StatusFor(core::ErrorCode::kNotFound), 404u);
  EXPECT_EQ(StatusFor(core::ErrorCode::kConflict), 409u);
  EXPECT_EQ(StatusFor(core::ErrorCode::kUnavailable), 503u);
  EXPECT_EQ(StatusFor(core::ErrorCode::kInternal), 500u);
}

TEST(StatusTitleTest, KnownAndUnknown) {
  EXPECT_EQ(StatusTitle(400), "Bad Request");
  EXPECT_EQ(StatusTitle(413), "Content Too Large");
  EXPECT_EQ(StatusTitle(599), "Unknown Status");
}

TEST(RequestTest, QueryParamDecodes) {
  Request request;
  request.query = "from=2026-03-08&name=Ana%20Mar%C3%ADa+Ruiz&empty=&flag&bad=%zz%4&na%6De=second";

  EXPECT_THAT(request.QueryParam("from"), Optional(std::string("2026-03-08")));
  EXPECT_THAT(request.QueryParam("name"), Optional(std::string("Ana María Ruiz")));
  EXPECT_THAT(request.QueryParam("empty"), Optional(std::string()));
  EXPECT_THAT(request.QueryParam("flag"), Optional(std::string()));
  EXPECT_THAT(request.QueryParam("bad"), Optional(std::string("%zz%4")));
  EXPECT_EQ(request.QueryParam("missing"), std::nullopt);
  EXPECT_EQ(request.QueryParam("fro"), std::nullopt);
}

TEST(RequestTest, QueryParamMatchesEncodedNamesAndReturnsTheFirst) {
  Request request;
  request.query = "a=1&&%61=2&a+b=3";

  EXPECT_THAT(request.QueryParam("a"), Optional(std::string("1")));
  EXPECT_THAT(request.QueryParam("a b"), Optional(std::string("3")));
}

TEST(RequestTest, QueryParamOnEmptyQuery) { EXPECT_EQ(Request{}.QueryParam("a"), std::nullopt); }

TEST(RequestTest, HeaderIsCaseInsensitive) {
  Request request;
  request.headers = {{"content-type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}};

  EXPECT_THAT(request.Header("Content-Type"), Optional(std::string_view("application/json")));
  EXPECT_THAT(request.Header("CONTENT-TYPE"), Optional(std::string_view("application/json")));
  EXPECT_THAT(request.Header("X-A"), Optional(std::string_view("1")));
  EXPECT_EQ(request.Header("content-typ"), std::nullopt);
}

TEST(RequestTest, PathParamIsEmptyWhenAbsent) {
  Request request;
  request.path_params = {{"clinic", "downtown"}};

  EXPECT_EQ(request.PathParam("clinic"), "downtown");
  EXPECT_EQ(request.PathParam("service"), "");
}

TEST(ResponseTest, Factories) {
  Response json = Response::Json(201, R"({"id":1})");
  EXPECT_EQ(json.status, 201u);
  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_EQ(json.body, R"({"id":1})");

  Response text = Response::Text(200, "ok");
  EXPECT_EQ(text.content_type, "text/plain; charset=utf-8");

  Response redirect = Response::Redirect(302, "/c/downtown/");
  EXPECT_EQ(redirect.status, 302u);
  EXPECT_THAT(redirect.headers, ::testing::ElementsAre(Pair("Location", "/c/downtown/")));
}

TEST(MethodTest, Names) {
  EXPECT_EQ(ToString(Method::kGet), "GET");
  EXPECT_EQ(ToString(Method::kDelete), "DELETE");
  EXPECT_EQ(ToString(Method::kOther), "OTHER");
}

TEST(LoggablePathTest, WritesAHoldsTokenAsAPlaceholder) {
  EXPECT_EQ(LoggablePath("/api/v1/clinics/x/holds/abcSECRETdef"),
            "/api/v1/clinics/x/holds/{token}");
  EXPECT_EQ(LoggablePath("/api/v1/clinics/x/holds/abcSECRETdef?x=1"),
            "/api/v1/clinics/x/holds/{token}");
  EXPECT_EQ(LoggablePath("/api/v1/clinics/x/holds"), "/api/v1/clinics/x/holds");
  EXPECT_EQ(LoggablePath("/api/v1/clinics/x/holds/"), "/api/v1/clinics/x/holds/");
}

TEST(LoggablePathTest, DropsTheQueryAndEscapesWhatCouldForgeALine) {
  EXPECT_EQ(LoggablePath("/api/v1/clinics/x/appointments/17?token=secret"),
            "/api/v1/clinics/x/appointments/17");
  EXPECT_EQ(LoggablePath("/a#frag?x"), "/a");
  EXPECT_EQ(LoggablePath("/a\r\n[info] GET /forged 200"), "/a\\x0d\\x0a[info] GET /forged 200");
  EXPECT_EQ(LoggablePath("/caf\xc3\xa9\\\x7f"), "/caf\\xc3\\xa9\\x5c\\x7f");
  EXPECT_EQ(LoggablePath("/%0A"), "/%0A");  // still encoded, harmless
  std::string longest(600, 'a');
  EXPECT_EQ(LoggablePath(longest), std::string(512, 'a') + "...");
}

}  // namespace
}  // namespace unknot::api::http
