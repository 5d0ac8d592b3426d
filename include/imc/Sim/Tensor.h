//===- Tensor.h - dense f32 tensors for the simulator ------------*- C++
//-*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_SIM_TENSOR_H
#define IMC_SIM_TENSOR_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace imc::sim {

/// A dense row-major f32 tensor.
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<float> data;

  Tensor() = default;
  explicit Tensor(std::vector<int64_t> shape)
      : shape(std::move(shape)), data(numElements(this->shape), 0.0f) {}
  Tensor(std::vector<int64_t> shape, std::vector<float> data)
      : shape(std::move(shape)), data(std::move(data)) {}
  static int64_t numElements(const std::vector<int64_t> &shape) {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
};

/// Reads a NumPy .npy file (v1-v3, little-endian, C order) of float32,
/// float64, int8/16/32/64 or uint8, converting to f32. Errors name the file.
std::optional<Tensor> readNpy(const std::string &path, std::string &error);
/// The same, from the bytes of a .npy file; `name` prefixes errors.
std::optional<Tensor> parseNpy(const std::vector<uint8_t> &bytes,
                               const std::string &name, std::string &error);

/// Writes a float32 .npy file. Returns false and sets `error` on I/O failure.
bool writeNpy(const std::string &path, const Tensor &t, std::string &error);

/// "[2, 3]"-style shape text for messages.
std::string shapeToString(const std::vector<int64_t> &shape);

} // namespace imc::sim

#endif // IMC_SIM_TENSOR_H
