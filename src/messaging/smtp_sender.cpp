// The SMTP and SMS webhook adapters over libcurl (messaging/senders.hpp).

#include <curl/curl.h>
#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>

#include <nlohmann/json.hpp>

#include "messaging/senders.hpp"

namespace unknot::messaging {
namespace {

using core::Error;
using core::ErrorCode;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (sodium_init() < 0) std::abort();  // no usable random source: nothing is safe
  });
}

struct Upload {
  std::string_view data;
  std::size_t offset = 0;
};

std::size_t ReadUpload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  std::size_t room = size * count;
  std::size_t left = upload->data.size() - upload->offset;
  std::size_t n = std::min(room, left);
  std::memcpy(buffer, upload->data.data() + upload->offset, n);
  upload->offset += n;
  return n;
}

std::size_t Discard(char*, std::size_t size, std::size_t count, void*) { return size * count; }

class Curl {
 public:
  Curl() : handle_(curl_easy_init()) {}
  ~Curl() {
    if (handle_ != nullptr) curl_easy_cleanup(handle_);
  }
  Curl(const Curl&) = delete;
  Curl& operator=(const Curl&) = delete;
  CURL* get() const { return handle_; }

 private:
  CURL* handle_;
};

class SmtpSender final : public EmailSender {
 public:
  explicit SmtpSender(SmtpSettings settings) : settings_(std::move(settings)) {}

  core::Result<void> Send(std::string_view from, std::string_view to,
                          std::string_view mime) override {
    CURL* curl = curl_.get();
    if (curl == nullptr) return Error(ErrorCode::kInternal, "curl_easy_init failed");
    curl_easy_reset(curl);
    const std::string url = settings_.url;
    const std::string mail_from = "<" + std::string(from) + ">";
    const std::string rcpt = "<" + std::string(to) + ">";
    curl_slist* recipients = curl_slist_append(nullptr, rcpt.c_str());
    Upload upload{mime, 0};
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(mime.size()));
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(settings_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    if (settings_.tls == SmtpTls::kStartTls) {
      curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    }
    if (!settings_.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(recipients);
    if (code != CURLE_OK) {
      long response = 0;
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response);
      std::string reason = error[0] != '\0' ? error : curl_easy_strerror(code);
      if (response != 0) reason = "SMTP " + std::to_string(response) + ": " + reason;
      // A 5xx answer to RCPT TO (libcurl: "RCPT failed: 550") refuses this address for good: a
      // bounce. Every other failure (4xx, a refused sender or AUTH, the network) may pass later.
      const bool recipient_refused = std::string_view(error).starts_with("RCPT failed");
      if (recipient_refused && response >= 500 && response < 600) {
        return Error(ErrorCode::kInvalidArgument, reason);
      }
      return Error(ErrorCode::kUnavailable, reason);
    }
    return core::Ok();
  }

 private:
  SmtpSettings settings_;
  Curl curl_;
};

class WebhookSmsSender final : public SmsSender {
 public:
  explicit WebhookSmsSender(std::chrono::seconds timeout) : timeout_(timeout) {}

  core::Result<void> Send(std::string_view url, std::string_view secret, std::string_view key,
                          std::string_view phone, std::string_view text) override {
    CURL* curl = curl_.get();
    if (curl == nullptr) return Error(ErrorCode::kInternal, "curl_easy_init failed");
    curl_easy_reset(curl);
    const std::string body =
        nlohmann::json{{"to", phone}, {"text", text}, {"idempotency_key", key}}.dump();
    const std::string target(url);
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    const std::string idempotency = "Idempotency-Key: " + std::string(key);
    headers = curl_slist_append(headers, idempotency.c_str());
    const std::string signature = "X-Unknot-Signature: " + WebhookSignature(secret, body);
    headers = curl_slist_append(headers, signature.c_str());
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, target.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(timeout_.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode code = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (code != CURLE_OK) {
      return Error(ErrorCode::kUnavailable, error[0] != '\0' ? error : curl_easy_strerror(code));
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (status < 200 || status > 299) {
      return Error(ErrorCode::kUnavailable, "SMS webhook answered HTTP " + std::to_string(status));
    }
    return core::Ok();
  }

 private:
  std::chrono::seconds timeout_;
  Curl curl_;
};

}  // namespace

core::Result<void> ReadSmtpCredentials(const std::string& path, SmtpSettings& settings) {
  std::ifstream in(path);
  if (!in) return Error::InvalidField("smtp-credentials", "cannot read " + path);
  std::string username;
  std::string password;
  std::getline(in, username);
  std::getline(in, password);
  auto trim = [](std::string& s) {
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n')) s.pop_back();
  };
  trim(username);
  trim(password);
  if (username.empty()) {
    return Error::InvalidField("smtp-credentials", path + ": the first line is the username");
  }
  settings.username = std::move(username);
  settings.password = std::move(password);
  return core::Ok();
}

std::unique_ptr<EmailSender> MakeSmtpSender(const SmtpSettings& settings) {
  GlobalInit();
  return std::make_unique<SmtpSender>(settings);
}

std::unique_ptr<SmsSender> MakeWebhookSmsSender(std::chrono::seconds timeout) {
  GlobalInit();
  return std::make_unique<WebhookSmsSender>(timeout);
}

std::string WebhookSignature(std::string_view secret, std::string_view body) {
  GlobalInit();
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()),
                              secret.size());
  crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(body.data()),
                                body.size());
  crypto_auth_hmacsha256_final(&state, mac);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned char b : mac) {
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

}  // namespace unknot::messaging
