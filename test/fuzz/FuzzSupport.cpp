//===- FuzzSupport.cpp - the structure-aware program mutator --------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "FuzzSupport.h"

#include <algorithm>
#include <cstring>
#include <random>

namespace imc::fuzz {

namespace {

uint64_t getLE(const std::vector<uint8_t> &b, size_t at, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i)
    v |= uint64_t(b[at + i]) << (8 * i);
  return v;
}

void setLE(std::vector<uint8_t> &b, size_t at, size_t n, uint64_t v) {
  for (size_t i = 0; i < n; ++i)
    b[at + i] = uint8_t(v >> (8 * i));
}

constexpr size_t kHeader = 32, kEntry = 24;

/// One random change to a decoded program's fields.
void mutateFields(format::Program &p, std::mt19937 &rng) {
  auto pick = [&](size_t n) { return size_t(rng() % std::max<size_t>(n, 1)); };
  // Values near the edges of every range the decoder and validator check.
  static const int64_t edges[] = {0,
                                  1,
                                  2,
                                  3,
                                  -1,
                                  7,
                                  8,
                                  16,
                                  127,
                                  128,
                                  255,
                                  256,
                                  4096,
                                  65535,
                                  65536,
                                  int64_t(1) << 20,
                                  (int64_t(1) << 20) + 1,
                                  int64_t(1) << 31,
                                  int64_t(1) << 32,
                                  INT64_MAX,
                                  INT64_MIN};
  auto edge = [&] { return edges[pick(std::size(edges))]; };
  auto nudge = [&](int64_t v) { // wrapping, as unsigned arithmetic does
    const uint64_t u = uint64_t(v);
    switch (rng() % 4) {
    case 0:
      return edge();
    case 1:
      return int64_t(u + 1);
    case 2:
      return int64_t(u - 1);
    default:
      return int64_t(u * 2);
    }
  };
  switch (rng() % 10) {
  case 0: // a dimension
    if (!p.values.empty()) {
      format::ValueDesc &v = p.values[pick(p.values.size())];
      if (!v.shape.empty()) {
        int64_t &d = v.shape[pick(v.shape.size())];
        d = nudge(d);
      } else if (rng() % 2) {
        v.shape.push_back(1 + pick(4));
      }
    }
    break;
  case 1: // an attribute
    if (!p.code.empty()) {
      format::Instr &in = p.code[pick(p.code.size())];
      if (!in.attrs.empty()) {
        int64_t &a = in.attrs[pick(in.attrs.size())];
        a = nudge(a);
      }
    }
    break;
  case 2: // an opcode
    if (!p.code.empty()) {
      static const format::Opcode ops[] = {
          format::Opcode::Empty,        format::Opcode::ExtractSlice,
          format::Opcode::InsertSlice,  format::Opcode::XbarProgram,
          format::Opcode::XbarMvm,      format::Opcode::XbarAccumulate,
          format::Opcode::DpuAdd,       format::Opcode::DpuMatmul,
          format::Opcode::DpuReduceSum, format::Opcode::DpuRequantize,
          format::Opcode::DpuIm2col,    format::Opcode::DpuReshape,
          format::Opcode::DpuTranspose, format::Opcode::DpuAffine,
          format::Opcode::DpuPool,      format::Opcode::DpuGeneric};
      p.code[pick(p.code.size())].op = ops[pick(std::size(ops))];
    }
    break;
  case 3: // an operand or a result id
    if (!p.code.empty()) {
      format::Instr &in = p.code[pick(p.code.size())];
      uint32_t &id = in.operands.empty() || rng() % 3 == 0
                         ? in.result
                         : in.operands[pick(in.operands.size())];
      id = uint32_t(pick(p.values.size() + 1));
    }
    break;
  case 4: // a string byte
    if (!p.strings.empty()) {
      std::string &s = p.strings[pick(p.strings.size())];
      if (s.empty() || rng() % 4 == 0)
        s.push_back(char(rng()));
      else
        s[pick(s.size())] = char(rng());
    }
    break;
  case 5: // constant data: a special value, or a splat
    if (!p.constants.empty()) {
      format::Constant &c = p.constants[pick(p.constants.size())];
      if (rng() % 4 == 0) {
        c.data.resize(1);
      } else if (!c.data.empty()) {
        static const float specials[] = {
            0.0f,
            -0.0f,
            1e30f,
            -1e30f,
            1e-40f,
            std::numeric_limits<float>::infinity(),
            std::numeric_limits<float>::quiet_NaN()};
        c.data[pick(c.data.size())] = specials[pick(std::size(specials))];
      }
    }
    break;
  case 6: // the target text: change one number's digit or one character
    if (!p.targetJson.empty()) {
      char &c = p.targetJson[pick(p.targetJson.size())];
      c = c >= '0' && c <= '9' ? char('0' + rng() % 10) : char(rng());
    }
    break;
  case 7: // duplicate or drop an instruction
    if (!p.code.empty()) {
      const size_t i = pick(p.code.size());
      if (rng() % 2)
        p.code.insert(p.code.begin() + i, p.code[i]);
      else
        p.code.erase(p.code.begin() + i);
    }
    break;
  case 8: // an operand more or fewer
    if (!p.code.empty()) {
      format::Instr &in = p.code[pick(p.code.size())];
      if (in.operands.empty() || rng() % 2)
        in.operands.push_back(uint32_t(pick(p.values.size())));
      else
        in.operands.pop_back();
    }
    break;
  default: // the signature
    if (!p.inputs.empty() && rng() % 2)
      p.inputs[pick(p.inputs.size())] = uint32_t(pick(p.values.size() + 1));
    else if (!p.outputs.empty())
      p.outputs[pick(p.outputs.size())] = uint32_t(pick(p.values.size() + 1));
    break;
  }
}

} // namespace

void resealProgram(std::vector<uint8_t> &b) {
  if (b.size() < kHeader)
    return;
  setLE(b, 16, 8, b.size());
  const uint64_t sections = std::min<uint64_t>(getLE(b, 8, 4), 64);
  const size_t tableEnd = kHeader + sections * kEntry;
  if (tableEnd > b.size())
    return;
  for (size_t i = 0; i < sections; ++i) {
    const size_t e = kHeader + i * kEntry;
    const uint64_t offset = getLE(b, e + 8, 8), length = getLE(b, e + 16, 8);
    if (offset <= b.size() && length <= b.size() - offset)
      setLE(b, e + 4, 4, format::crc32(b.data() + offset, length));
  }
  std::vector<uint8_t> covered(b.begin(), b.begin() + 24);
  covered.insert(covered.end(), b.begin() + kHeader, b.begin() + tableEnd);
  setLE(b, 24, 4, format::crc32(covered.data(), covered.size()));
}

size_t mutateProgram(uint8_t *data, size_t size, size_t maxSize,
                     unsigned seed) {
  std::mt19937 rng(seed);
  const unsigned how = rng() % 10;
  if (how < 2) // raw bytes: the checksums and the header checks
    return LLVMFuzzerMutate(data, size, maxSize);
  if (how < 5) { // bytes, resealed: the section decoders
    size = LLVMFuzzerMutate(data, size, maxSize);
    std::vector<uint8_t> b(data, data + size);
    resealProgram(b);
    std::memcpy(data, b.data(), b.size());
    return b.size();
  }
  // Fields of a decoded program, re-encoded: the validator and simulator.
  std::string error;
  std::optional<format::Program> p = format::deserialize(data, size, error);
  if (!p)
    return LLVMFuzzerMutate(data, size, maxSize);
  for (unsigned n = 1 + rng() % 3; n > 0; --n)
    mutateFields(*p, rng);
  std::vector<uint8_t> b = format::serialize(*p);
  if (b.size() > maxSize)
    return LLVMFuzzerMutate(data, size, maxSize);
  std::memcpy(data, b.data(), b.size());
  return b.size();
}

} // namespace imc::fuzz
