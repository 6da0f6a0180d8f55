/* The bare server of the latency benchmark (issue 18, bench/latency/run.sh): the floor that a
 * request on a fresh connection costs on this machine, kernel and loopback included, so that
 * unknot's figures can be given net of it.
 *
 * Single-threaded, blocking: accept one connection on 127.0.0.1:PORT, read one HTTP/1.1 request
 * (up to the blank line that ends its headers), write a fixed 200 answer the size of unknot's
 * /healthz answer (with `Connection: close`), close, accept the next. Stops on SIGTERM or SIGINT.
 *
 * Usage: unknot_bench_bare_server PORT */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* As unknot answers GET /healthz: the same status line, header names, sizes and body. */
static const char kAnswer[] =
    "HTTP/1.1 200 OK\r\n"
    "Server: bare/1\r\n"
    "X-Request-Id: 0000000000000000-1\r\n"
    "X-Content-Type-Options: nosniff\r\n"
    "Referrer-Policy: no-referrer\r\n"
    "Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 15\r\n"
    "Connection: close\r\n"
    "\r\n"
    "{\"status\":\"ok\"}";

static volatile sig_atomic_t stopping = 0;

static void Stop(int signal_number) {
  (void)signal_number;
  stopping = 1;
}

/* Reads until the end of the request's headers; 0 when it came, -1 otherwise. */
static int ReadRequest(int fd) {
  char buffer[8192];
  size_t used = 0;
  for (;;) {
    ssize_t got = read(fd, buffer + used, sizeof buffer - 1 - used);
    if (got < 0 && errno == EINTR) {
      if (stopping) return -1;
      continue;
    }
    if (got <= 0) return -1;
    used += (size_t)got;
    buffer[used] = '\0';
    if (strstr(buffer, "\r\n\r\n") != NULL) return 0;
    if (used == sizeof buffer - 1) return -1;
  }
}

static int WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t put = write(fd, data, size);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return -1;
    data += put;
    size -= (size_t)put;
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s PORT\n", argv[0]);
    return 2;
  }
  int port = atoi(argv[1]);
  if (port <= 0 || port > 65535) {
    fprintf(stderr, "bad port: %s\n", argv[1]);
    return 2;
  }
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = Stop; /* no SA_RESTART: accept() returns EINTR and the loop ends */
  sigaction(SIGTERM, &action, NULL);
  sigaction(SIGINT, &action, NULL);
  signal(SIGPIPE, SIG_IGN);

  int listener = socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) {
    perror("socket");
    return 1;
  }
  int one = 1;
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in address;
  memset(&address, 0, sizeof address);
  address.sin_family = AF_INET;
  address.sin_port = htons((unsigned short)port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (struct sockaddr*)&address, sizeof address) != 0 ||
      listen(listener, 128) != 0) {
    perror("bind/listen");
    return 1;
  }
  while (!stopping) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      perror("accept");
      return 1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (ReadRequest(fd) == 0) WriteAll(fd, kAnswer, sizeof kAnswer - 1);
    close(fd);
  }
  close(listener);
  return 0;
}
