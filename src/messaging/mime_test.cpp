#include "messaging/mime.hpp"

#include <gtest/gtest.h>

#include <cstdio>

#include "messaging/senders.hpp"

namespace unknot::messaging {
namespace {

TEST(MimeTest, Base64MatchesRfc4648) {
  EXPECT_EQ(Base64(""), "");
  EXPECT_EQ(Base64("f"), "Zg==");
  EXPECT_EQ(Base64("fo"), "Zm8=");
  EXPECT_EQ(Base64("foo"), "Zm9v");
  EXPECT_EQ(Base64("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Lines(std::string(100, 'a')).find("\r\n"), 76u);
}

TEST(MimeTest, EncodedWordsKeepNamesOnOneHeaderLine) {
  EXPECT_EQ(EncodedWord("Ana Ruiz"), "Ana Ruiz");
  EXPECT_EQ(EncodedWord("Ana <x>"), "=?UTF-8?B?QW5hIDx4Pg==?=");
  std::string long_name(100, 'x');
  long_name += "\xC3\xA9";
  std::string encoded = EncodedWord(long_name + ",");
  EXPECT_EQ(encoded.find("\r\n", 0), encoded.find("\r\n "));  // folded, never a new header
}

TEST(MimeTest, PlainAddressesOnly) {
  EXPECT_TRUE(IsPlainAddress("ana@example.org"));
  EXPECT_FALSE(IsPlainAddress("ana@example.org\r\nBcc: x@y"));
  EXPECT_FALSE(IsPlainAddress("<ana@example.org>"));
  EXPECT_FALSE(IsPlainAddress("a b@example.org"));
  EXPECT_FALSE(IsPlainAddress("a@b@c"));
  EXPECT_FALSE(IsPlainAddress(""));
}

TEST(MimeTest, TheMessageHasItsHeadersAndThreeBase64Parts) {
  RenderedEmail email;
  email.to = "ana@example.org";
  email.to_name = "Ana \"The Knot\" Ruiz";
  email.subject = "Booked: Tue 1 Dec";
  email.text = "Hello\n.\nend";
  email.html = "<p>Hello</p>";
  email.ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
  email.ics_method = "REQUEST";
  Envelope envelope{"bookings@clinic.example", "Knot Clinic",
                    "<appointment-1-booked-1@demo.unknot>",
                    core::ParseInstant("2026-11-26T18:00:00Z").value()};
  std::string mime = BuildMime(email, envelope);
  EXPECT_EQ(mime.rfind("From: Knot Clinic <bookings@clinic.example>\r\n", 0), 0u);
  EXPECT_NE(mime.find("\r\nTo: =?UTF-8?B?"), std::string::npos);
  EXPECT_NE(mime.find("\r\nDate: Thu, 26 Nov 2026 18:00:00 +0000\r\n"), std::string::npos);
  EXPECT_NE(mime.find("\r\nMessage-ID: <appointment-1-booked-1@demo.unknot>\r\n"),
            std::string::npos);
  EXPECT_NE(mime.find("Content-Type: text/plain; charset=utf-8"), std::string::npos);
  EXPECT_NE(mime.find("Content-Type: text/html; charset=utf-8"), std::string::npos);
  EXPECT_NE(mime.find("Content-Type: text/calendar; charset=utf-8; method=REQUEST"),
            std::string::npos);
  EXPECT_NE(mime.find(Base64("Hello\n.\nend")), std::string::npos);
  // No line of the message is a lone "." (SMTP's end of data) and every line ends with CRLF.
  EXPECT_EQ(mime.find("\r\n.\r\n"), std::string::npos);
  EXPECT_EQ(mime.find("\n\n"), std::string::npos);
}

TEST(WebhookTest, TheSignatureIsHmacSha256OfTheBody) {
  // RFC 4231, test case 2.
  EXPECT_EQ(WebhookSignature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(SmtpCredentialsTest, ComeFromAFileNeverTheCommandLine) {
  SmtpSettings settings;
  EXPECT_FALSE(ReadSmtpCredentials("/nonexistent/credentials", settings));
  const std::string path = ::testing::TempDir() + "/unknot-smtp-credentials";
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs("mailer\r\ns3cret pass\n", f);
    std::fclose(f);
  }
  ASSERT_TRUE(ReadSmtpCredentials(path, settings));
  EXPECT_EQ(settings.username, "mailer");
  EXPECT_EQ(settings.password, "s3cret pass");
  std::remove(path.c_str());
}

}  // namespace
}  // namespace unknot::messaging
