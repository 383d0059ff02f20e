#include "serve/http_frame.h"

#include <gtest/gtest.h>

namespace aips {
namespace {

constexpr size_t kHead = 1024, kBody = 100;

TEST(HttpFrame, ContentLengthRequestsCompleteOnlyWithTheirBody) {
  const std::string req = "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello";
  for (size_t n = 0; n < req.size(); ++n)
    EXPECT_EQ(FrameRequest(req.substr(0, n), kHead, kBody).state, RequestFrame::kIncomplete) << n;
  RequestFrame f = FrameRequest(req + "GET /next", kHead, kBody);  // a pipelined request follows
  ASSERT_EQ(f.state, RequestFrame::kComplete);
  EXPECT_EQ(f.total_len, req.size());
  EXPECT_TRUE(f.keep_alive);
  EXPECT_FALSE(FrameRequest("GET / HTTP/1.0\r\n\r\n", kHead, kBody).keep_alive);
  EXPECT_FALSE(FrameRequest("GET / HTTP/1.1\r\nConnection: close\r\n\r\n", kHead, kBody).keep_alive);
}

TEST(HttpFrame, ChunkedBodies) {
  const std::string body = "5;ext=1\r\nhello\r\n3\r\nabc\r\n0\r\nTrailer: x\r\n\r\n";
  std::string err;
  EXPECT_EQ(ChunkedLength(body, kBody, &err), body.size());
  EXPECT_EQ(ChunkedLength(body.substr(0, body.size() - 1), kBody, &err), std::string::npos);
  EXPECT_TRUE(err.empty());
  EXPECT_EQ(ChunkedLength("zz\r\n", kBody, &err), std::string::npos);
  EXPECT_EQ(err, "malformed chunk size");
  err.clear();
  EXPECT_EQ(ChunkedLength("65\r\n", kBody, &err), std::string::npos);  // 101 bytes > 100
  EXPECT_EQ(err, "body too large");
  RequestFrame f = FrameRequest("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" + body, kHead, kBody);
  EXPECT_EQ(f.state, RequestFrame::kComplete);
}

TEST(HttpFrame, FramingResumesAsBytesArrive) {
  const std::string req =
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  RequestFrame f;
  for (size_t n = 1; n <= req.size(); ++n) {
    if (f.header_len == 0)
      f = FrameRequest(req.substr(0, n), kHead, kBody);
    else
      FrameBody(req.substr(0, n), kBody, &f);
    ASSERT_NE(f.state, RequestFrame::kError) << n;
    EXPECT_EQ(f.state == RequestFrame::kComplete, n == req.size()) << n;
  }
  EXPECT_EQ(f.total_len, req.size());
  EXPECT_EQ(f.scan.decoded, 5u);  // the scan moved on chunk by chunk
}

TEST(HttpFrame, RefusesWhatItCannotFrame) {
  auto status = [](const std::string& r) { return FrameRequest(r, kHead, kBody).error_status; };
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n"), 413);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n"), 400);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
  EXPECT_EQ(status("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"), 400);
  EXPECT_EQ(status("GET / HTTP/2.0\r\n\r\n"), 400);
  EXPECT_EQ(status("GARBAGE\r\n\r\n"), 400);
  EXPECT_EQ(status("GET / HTTP/1.1\r\nX: " + std::string(2000, 'a')), 431);  // never ends, too long
}

TEST(HttpFrame, RewritesConnectionHeaders) {
  const std::string h =
      "POST /x HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\nExpect: 100-continue\r\nX-Forwarded-For: "
      "forged\r\nContent-Length: 5\r\n\r\n";
  RequestFrame f = FrameRequest(h, kHead, kBody);
  EXPECT_TRUE(f.expect_continue);
  EXPECT_EQ(RewriteRequestHeader(h, "10.0.0.1"),
            "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nConnection: close\r\nX-Forwarded-For: "
            "10.0.0.1\r\n\r\n");
  bool delimited = false;
  EXPECT_EQ(RewriteResponseHeader("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\n", true,
                                  &delimited),
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n");
  EXPECT_TRUE(delimited);
  EXPECT_EQ(RewriteResponseHeader("HTTP/1.1 200 OK\r\n\r\n", true, &delimited),
            "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
  EXPECT_FALSE(delimited);
}

}  // namespace
}  // namespace aips
