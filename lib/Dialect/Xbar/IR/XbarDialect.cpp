//===- XbarDialect.cpp - analog crossbar dialect --------------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Dialect/Xbar/IR/XbarDialect.h"
#include "imc/Dialect/Xbar/IR/XbarOps.h"
#include "imc/Hardware/Precision.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace imc::xbar;

#include "imc/Dialect/Xbar/IR/XbarDialect.cpp.inc"
#define GET_TYPEDEF_CLASSES
#include "imc/Dialect/Xbar/IR/XbarTypes.cpp.inc"

void XbarDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "imc/Dialect/Xbar/IR/XbarOps.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "imc/Dialect/Xbar/IR/XbarTypes.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// TileType: !xbar.tile<RxC>
//===----------------------------------------------------------------------===//

Type TileType::parse(AsmParser &parser) {
  SmallVector<int64_t, 2> dims;
  int64_t slices = 0;
  SMLoc loc = parser.getCurrentLocation();
  if (parser.parseLess() ||
      parser.parseDimensionList(dims, /*allowDynamic=*/false,
                                /*withTrailingX=*/false) ||
      parser.parseComma() || parser.parseKeyword("slices") ||
      parser.parseEqual() || parser.parseInteger(slices) ||
      parser.parseGreater())
    return {};
  if (dims.size() != 2) {
    parser.emitError(loc) << "expected a tile shape 'ROWSxCOLS', got "
                          << dims.size() << " dimension(s)";
    return {};
  }
  return getChecked([&] { return parser.emitError(loc); },
                    parser.getContext(), dims[0], dims[1], slices);
}

void TileType::print(AsmPrinter &printer) const {
  printer << "<" << getRows() << "x" << getCols() << ", slices = "
          << getSlices() << ">";
}

LogicalResult TileType::verify(function_ref<InFlightDiagnostic()> emitError,
                               int64_t rows, int64_t cols, int64_t slices) {
  if (rows <= 0 || cols <= 0)
    return emitError() << "tile dimensions must be positive, got " << rows
                       << "x" << cols;
  if (slices < 1 || slices > 15)
    return emitError() << "tile slices must be in [1, 15], got " << slices;
  return success();
}

//===----------------------------------------------------------------------===//
// Ops
//===----------------------------------------------------------------------===//

/// The precision of a program op (weight side; the input side at its
/// defaults) or of an mvm op (input side, with its tile's weight side when
/// the tile comes from a program op).
static imc::hw::XbarPrecision precisionOf(ProgramOp op) {
  imc::hw::XbarPrecision p;
  p.weightBits = op.getWeightBits();
  p.cellBits = op.getCellBits();
  p.mapping = op.getMapping();
  return p;
}

imc::hw::WeightMapping ProgramOp::getMapping() {
  imc::hw::WeightMapping m = imc::hw::WeightMapping::Differential;
  if (std::optional<StringRef> name = getWeightMapping())
    (void)imc::hw::parseWeightMapping(name->str(), m); // verified
  return m;
}

static imc::hw::XbarPrecision precisionOf(MvmOp op) {
  imc::hw::XbarPrecision p;
  if (auto prog = op.getTile().getDefiningOp<ProgramOp>())
    p = precisionOf(prog);
  p.inputBits = op.getInputBits();
  p.dacBits = op.getDacBits();
  p.adcBits = op.getAdcBits();
  p.parallelRows = op.getParallelRows();
  p.unsignedInput = op.getUnsignedInput();
  return p;
}

LogicalResult ProgramOp::verify() {
  auto w = getWeights().getType();
  TileType tile = getResult().getType();
  if (w.getRank() != 2)
    return emitOpError("expected 2-D weights, got rank ") << w.getRank();
  if (w.getDimSize(0) != tile.getRows() || w.getDimSize(1) != tile.getCols())
    return emitOpError("weights of shape ")
           << w.getDimSize(0) << "x" << w.getDimSize(1)
           << " do not match the tile " << tile.getRows() << "x"
           << tile.getCols();
  imc::hw::WeightMapping mapping;
  if (std::optional<StringRef> name = getWeightMapping();
      name && !imc::hw::parseWeightMapping(name->str(), mapping))
    return emitOpError("weight_mapping must be one of differential, offset, "
                       "twos_complement, got '")
           << *name << "'";
  const imc::hw::XbarPrecision p = precisionOf(*this);
  if (std::string why = p.validate(); !why.empty())
    return emitOpError(why);
  if (tile.getSlices() != p.slices())
    return emitOpError("expected ")
           << p.slices() << " slices for " << getWeightBits()
           << "-bit weights on " << getCellBits() << "-bit cells ("
           << imc::hw::weightMappingName(p.mapping) << "), the tile type has "
           << tile.getSlices();
  return success();
}

int64_t ProgramOp::getNumSlices() { return precisionOf(*this).slices(); }

int64_t ProgramOp::getNumCellWrites() {
  TileType tile = getResult().getType();
  const imc::hw::XbarPrecision p = precisionOf(*this);
  return tile.getRows() *
         (tile.getCols() * p.cellsPerWeight() + p.referenceColumns());
}

LogicalResult MvmOp::verify() {
  TileType tile = getTile().getType();
  auto x = getInput().getType(), y = getResult().getType();
  if (x.getRank() != 2 || y.getRank() != 2)
    return emitOpError("expected 2-D input and result");
  if (x.getDimSize(1) != tile.getRows())
    return emitOpError("input has ")
           << x.getDimSize(1) << " columns but the tile has "
           << tile.getRows() << " rows";
  if (y.getDimSize(0) != x.getDimSize(0) || y.getDimSize(1) != tile.getCols())
    return emitOpError("expected result of shape ")
           << x.getDimSize(0) << "x" << tile.getCols() << ", got "
           << y.getDimSize(0) << "x" << y.getDimSize(1);
  const imc::hw::XbarPrecision p = precisionOf(*this);
  if (std::string why = p.validate(); !why.empty())
    return emitOpError(why);
  if (getCycles() != p.cycles())
    return emitOpError("expected ")
           << p.cycles() << " input cycles for " << getInputBits() << "-bit "
           << (p.unsignedInput ? "unsigned" : "signed") << " inputs through a "
           << getDacBits() << "-bit DAC, got " << getCycles();
  return success();
}

#define GET_OP_CLASSES
#include "imc/Dialect/Xbar/IR/XbarOps.cpp.inc"
