//===- TextTest.cpp - UTF-8 checks and message quoting --------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Support/Text.h"

#include <gtest/gtest.h>

using imc::isValidUtf8;
using imc::quoteForMessage;
using imc::truncateUtf8;

namespace {

TEST(Text, ValidUtf8) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("layer1.0.conv1"));
  EXPECT_TRUE(isValidUtf8("na\xc3\xafve"));     // U+00EF
  EXPECT_TRUE(isValidUtf8("\xe2\x82\xac"));     // U+20AC
  EXPECT_TRUE(isValidUtf8("\xed\x9f\xbf"));     // U+D7FF, below surrogates
  EXPECT_TRUE(isValidUtf8("\xee\x80\x80"));     // U+E000, above them
  EXPECT_TRUE(isValidUtf8("\xf0\x9f\x98\x80")); // U+1F600
  EXPECT_TRUE(isValidUtf8("\xf4\x8f\xbf\xbf")); // U+10FFFF
  EXPECT_TRUE(isValidUtf8(std::string_view("a\0b", 3))); // NUL is a character
}

TEST(Text, InvalidUtf8) {
  const char *bad[] = {
      "\xff",             // never in UTF-8
      "\x80",             // a lone continuation byte
      "\xc3",             // truncated 2-byte sequence
      "abc\xe2\x82",      // truncated 3-byte sequence at the end
      "\xc0\xaf",         // overlong '/'
      "\xc1\xbf",         // overlong
      "\xe0\x80\xaf",     // overlong 3-byte
      "\xf0\x80\x80\xaf", // overlong 4-byte
      "\xed\xa0\x80",     // U+D800, a surrogate
      "\xf4\x90\x80\x80", // U+110000, above the last code point
      "\xf5\x80\x80\x80", // lead byte past F4
      "\xe2\x28\xa1",     // bad second byte
      "\xe2\x82\x28",     // bad third byte
  };
  for (const char *s : bad)
    EXPECT_FALSE(isValidUtf8(s)) << quoteForMessage(s);
}

TEST(Text, QuoteForMessage) {
  EXPECT_EQ(quoteForMessage("rows"), "'rows'");
  EXPECT_EQ(quoteForMessage("a'b\\c"), "'a\\x27b\\x5cc'");
  EXPECT_EQ(quoteForMessage("line\nbreak\xff"), "'line\\x0abreak\\xff'");
  EXPECT_EQ(quoteForMessage(std::string(100, 'x'), 4), "'xxxx...'");
  EXPECT_EQ(quoteForMessage("xxxx", 4), "'xxxx'");
}

TEST(Text, TruncateUtf8KeepsCharactersWhole) {
  const std::string s = "ab\xe2\x82\xac"; // "ab€": 5 bytes
  EXPECT_EQ(truncateUtf8(s, 10), s);
  EXPECT_EQ(truncateUtf8(s, 5), s);
  EXPECT_EQ(truncateUtf8(s, 4), "ab"); // would cut the euro sign
  EXPECT_EQ(truncateUtf8(s, 3), "ab");
  EXPECT_EQ(truncateUtf8(s, 2), "ab");
  EXPECT_EQ(truncateUtf8(s, 0), "");
  for (size_t n = 0; n <= s.size(); ++n)
    EXPECT_TRUE(isValidUtf8(truncateUtf8(s, n)));
}

} // namespace
