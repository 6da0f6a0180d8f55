#include "server/password_input.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <future>
#include <sstream>
#include <thread>

namespace unknot::server {
namespace {

TEST(ParsePasswordLinesTest, TakesTheFirstLineWithoutItsLineBreak) {
  EXPECT_EQ(*ParsePasswordLines("correct horse battery\n"), "correct horse battery");
  EXPECT_EQ(*ParsePasswordLines("correct horse battery"), "correct horse battery");
  EXPECT_EQ(*ParsePasswordLines("correct horse battery\r\n"), "correct horse battery");
  // Spaces are part of the password, also at either end.
  EXPECT_EQ(*ParsePasswordLines("  padded pass phrase  \n"), "  padded pass phrase  ");
}

TEST(ParsePasswordLinesTest, ASecondLineMustRepeatTheFirst) {
  EXPECT_EQ(*ParsePasswordLines("knots-be-gone-2026\nknots-be-gone-2026\n"), "knots-be-gone-2026");
  EXPECT_EQ(*ParsePasswordLines("knots-be-gone-2026\r\nknots-be-gone-2026\r\n"),
            "knots-be-gone-2026");
  auto differ = ParsePasswordLines("knots-be-gone-2026\nknots-be-gone-2027\n");
  ASSERT_FALSE(differ);
  EXPECT_EQ(differ.error().code(), core::ErrorCode::kInvalidArgument);
  EXPECT_EQ(differ.error().message(),
            "password: the second line of stdin does not repeat the first");
  EXPECT_FALSE(ParsePasswordLines("knots-be-gone-2026\n\n"));  // an empty repetition differs
}

TEST(ParsePasswordLinesTest, RefusesNoInputAndMoreThanTwoLines) {
  auto empty = ParsePasswordLines("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message(), "password: none was given: stdin was empty");
  auto three = ParsePasswordLines("a-long-password\na-long-password\na-long-password\n");
  ASSERT_FALSE(three);
  EXPECT_NE(three.error().message().find("stdin has 3 lines"), std::string::npos);
  // An empty first line is a password the policy refuses as too short, not a reading error.
  EXPECT_EQ(*ParsePasswordLines("\n"), "");
}

TEST(ReadPasswordFromStreamTest, ReadsTheWholeStreamAndBoundsIt) {
  std::istringstream two("knots-be-gone-2026\nknots-be-gone-2026\n");
  EXPECT_EQ(*ReadPasswordFromStream(two), "knots-be-gone-2026");
  std::istringstream huge(std::string(kMaxPasswordInputBytes + 1, 'x'));
  auto refused = ReadPasswordFromStream(huge);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("more than 4096 bytes"), std::string::npos);
  std::istringstream largest(std::string(kMaxPasswordInputBytes, 'x'));
  EXPECT_EQ(ReadPasswordFromStream(largest)->size(), kMaxPasswordInputBytes);
}

// A pseudo-terminal stands in for the person at the keyboard.
class TerminalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    master_ = posix_openpt(O_RDWR | O_NOCTTY);
    ASSERT_GE(master_, 0);
    ASSERT_EQ(grantpt(master_), 0);
    ASSERT_EQ(unlockpt(master_), 0);
    terminal_ = open(ptsname(master_), O_RDWR | O_NOCTTY);
    ASSERT_GE(terminal_, 0);
    prompts_ = std::tmpfile();
    ASSERT_NE(prompts_, nullptr);
  }
  void TearDown() override {
    if (prompts_ != nullptr) std::fclose(prompts_);
    if (terminal_ >= 0) close(terminal_);
    if (master_ >= 0) close(master_);
  }
  void Type(std::string_view keys) {
    ASSERT_EQ(write(master_, keys.data(), keys.size()), static_cast<ssize_t>(keys.size()));
  }
  // What the terminal showed (its echo), read without waiting.
  std::string Shown() {
    int flags = fcntl(master_, F_GETFL);
    fcntl(master_, F_SETFL, flags | O_NONBLOCK);
    std::string shown;
    char buffer[256];
    ssize_t n = 0;
    while ((n = read(master_, buffer, sizeof buffer)) > 0) shown.append(buffer, n);
    fcntl(master_, F_SETFL, flags);
    return shown;
  }
  std::string Prompts() {
    std::rewind(prompts_);
    std::string text;
    for (int c = std::fgetc(prompts_); c != EOF; c = std::fgetc(prompts_))
      text.push_back(static_cast<char>(c));
    return text;
  }
  // Reads on another thread and types `keys` once echo is off, as a person would after the
  // prompt (typed earlier, the terminal would have echoed them already).
  core::Result<std::string> AnswerWhenEchoIsOff(std::string_view keys) {
    auto reading = std::async(std::launch::async, [&] {
      return ReadPasswordFromTerminal(terminal_, prompts_, "New password: ");
    });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds{10};
    while (Echoes() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds{1});
    }
    Type(keys);
    return reading.get();
  }
  bool Echoes() {
    termios settings{};
    tcgetattr(terminal_, &settings);
    return (settings.c_lflag & ECHO) != 0;
  }

  int master_ = -1;
  int terminal_ = -1;
  std::FILE* prompts_ = nullptr;
};

TEST_F(TerminalTest, AsksTwiceWithoutEchoAndRestoresEcho) {
  ASSERT_TRUE(Echoes());
  auto password = AnswerWhenEchoIsOff("knots-be-gone-2026\nknots-be-gone-2026\n");
  ASSERT_TRUE(password) << password.error().message();
  EXPECT_EQ(*password, "knots-be-gone-2026");
  EXPECT_EQ(Prompts(), "New password: \nRepeat it: \n");
  EXPECT_EQ(Shown().find("knots"), std::string::npos);
  EXPECT_TRUE(Echoes());
}

TEST_F(TerminalTest, RefusesTwoDifferentEntries) {
  auto password = AnswerWhenEchoIsOff("knots-be-gone-2026\nknots-be-gone-2027\n");
  ASSERT_FALSE(password);
  EXPECT_EQ(password.error().message(), "password: the two entries differ");
  EXPECT_TRUE(Echoes());
}

TEST_F(TerminalTest, ANonTerminalIsAnError) {
  int not_a_terminal = open("/dev/null", O_RDONLY);
  auto password = ReadPasswordFromTerminal(not_a_terminal, prompts_, "New password: ");
  close(not_a_terminal);
  ASSERT_FALSE(password);
  EXPECT_EQ(password.error().code(), core::ErrorCode::kInternal);
}

}  // namespace
}  // namespace unknot::server
