#include "messaging/mime.hpp"

#include <fmt/format.h>

#include <functional>

namespace unknot::messaging {

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    auto n = (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16) |
             (static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8) |
             static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 2]));
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < bytes.size()) {
    auto n = static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i])) << 16;
    if (i + 1 < bytes.size()) {
      n |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[i + 1])) << 8;
    }
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::string Base64Lines(std::string_view bytes) {
  std::string encoded = Base64(bytes);
  std::string out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) {
    out += encoded.substr(i, 76);
    out += "\r\n";
  }
  return out;
}

std::string EncodedWord(std::string_view text) {
  bool plain = true;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F || c == '"' || c == '(' || c == ')' || c == '<' || c == '>' ||
        c == ',' || c == ';' || c == ':' || c == '\\' || c == '=' || c == '?' || c == '@' ||
        c == '[' || c == ']') {
      plain = false;
      break;
    }
  }
  if (plain) return std::string(text);
  // One encoded-word per 45 input bytes keeps each under 75 characters; never split a UTF-8
  // sequence between two words.
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t take = std::min<std::size_t>(45, text.size() - i);
    while (i + take < text.size() && take > 0 &&
           (static_cast<unsigned char>(text[i + take]) & 0xC0) == 0x80) {
      --take;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(i, take)) + "?=";
    i += take;
  }
  return out;
}

bool IsPlainAddress(std::string_view address) {
  if (address.empty() || address.size() > 254) return false;
  std::size_t at = address.find('@');
  if (at == 0 || at == std::string_view::npos || at + 1 == address.size()) return false;
  if (address.find('@', at + 1) != std::string_view::npos) return false;
  for (char c : address) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '<' || c == '>' || c == '"' || c == ',' || c == ';' ||
        c == '(' || c == ')' || c == '\\' || c == '[' || c == ']' || c == ':') {
      return false;
    }
  }
  return true;
}

std::string BuildMime(const RenderedEmail& email, const Envelope& envelope) {
  // Boundaries from the message id: stable for one message, and never inside a part: "=_" cannot
  // occur in base64 text ('=' only pads its end).
  const std::size_t tag = std::hash<std::string>{}(envelope.message_id);
  const std::string mixed = fmt::format("=_unknot_mixed_{:016x}", tag);
  const std::string alternative = fmt::format("=_unknot_alt_{:016x}", tag);
  std::string m;
  m += "From: " + EncodedWord(OneLine(envelope.from_name)) + " <" + envelope.from_address + ">\r\n";
  m += "To: " + EncodedWord(OneLine(email.to_name)) + " <" + email.to + ">\r\n";
  m += "Subject: " + EncodedWord(OneLine(email.subject)) + "\r\n";
  m += "Date: " + date::format("%a, %d %b %Y %H:%M:%S +0000", envelope.date) + "\r\n";
  m += "Message-ID: " + OneLine(envelope.message_id) + "\r\n";
  m += "MIME-Version: 1.0\r\n";
  m += "Auto-Submitted: auto-generated\r\n";
  m += "Content-Type: multipart/mixed; boundary=\"" + mixed + "\"\r\n";
  m += "\r\n";
  m += "--" + mixed + "\r\n";
  m += "Content-Type: multipart/alternative; boundary=\"" + alternative + "\"\r\n\r\n";
  m += "--" + alternative + "\r\n";
  m += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += Base64Lines(email.text);
  m += "--" + alternative + "\r\n";
  m += "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  m += Base64Lines(email.html);
  m += "--" + alternative + "--\r\n";
  if (email.ics.empty()) {  // no calendar file (a waitlist offer)
    m += "--" + mixed + "--\r\n";
    return m;
  }
  m += "--" + mixed + "\r\n";
  m += "Content-Type: text/calendar; charset=utf-8; method=" + email.ics_method + "\r\n";
  m += "Content-Disposition: attachment; filename=\"appointment.ics\"\r\n";
  m += "Content-Transfer-Encoding: base64\r\n\r\n";
  m += Base64Lines(email.ics);
  m += "--" + mixed + "--\r\n";
  return m;
}

}  // namespace unknot::messaging
