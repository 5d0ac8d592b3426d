//===- TranslateToSim.cpp - module -> imc-sim program ---------------------===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#include "imc/Dialect/Dpu/IR/DpuOps.h"
#include "imc/Dialect/Imc/IR/ImcOps.h"
#include "imc/Dialect/Imc/IR/ImcTarget.h"
#include "imc/Dialect/Xbar/IR/XbarOps.h"
#include "imc/Format/Generic.h"
#include "imc/Support/DenseF32.h"
#include "imc/Target/SimBinary.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace imc;
using imc::format::Opcode;

namespace {

class ProgramBuilder {
public:
  explicit ProgramBuilder(format::Program &p) : p(p) {}

  /// A value id for `v`, creating its descriptor.
  FailureOr<uint32_t> define(Value v, Operation *where) {
    format::ValueDesc desc;
    if (auto tile = dyn_cast<xbar::TileType>(v.getType())) {
      desc.kind = format::ValueKind::Tile;
      desc.shape = {tile.getRows(), tile.getCols()};
    } else {
      auto t = dyn_cast<RankedTensorType>(v.getType());
      if (!t || !t.hasStaticShape() || !t.getElementType().isF32())
        return where->emitError()
               << "imc-to-sim: value of type " << v.getType()
               << " is not supported (only static f32 tensors and tiles)";
      desc.shape.assign(t.getShape().begin(), t.getShape().end());
    }
    uint32_t id = p.values.size();
    p.values.push_back(std::move(desc));
    ids[v] = id;
    return id;
  }

  uint32_t id(Value v) const { return ids.lookup(v); }

  uint32_t string(StringRef s) {
    auto [it, inserted] = strings.try_emplace(s, p.strings.size());
    if (inserted)
      p.strings.push_back(s.str());
    return it->second;
  }

  LogicalResult emit(Operation *op, Opcode opcode, ValueRange operands,
                     ArrayRef<int64_t> attrs) {
    format::Instr in;
    in.op = opcode;
    in.layer = string(imc::layerName(op->getLoc()));
    for (Value v : operands)
      in.operands.push_back(id(v));
    in.attrs.assign(attrs.begin(), attrs.end());
    FailureOr<uint32_t> result = define(op->getResult(0), op);
    if (failed(result))
      return failure();
    in.result = *result;
    p.code.push_back(std::move(in));
    return success();
  }

  format::Program &p;

private:
  llvm::DenseMap<Value, uint32_t> ids;
  llvm::StringMap<uint32_t> strings;
};

/// Static, unit-stride, rank-preserving slice offsets, or failure.
template <typename SliceOp>
FailureOr<SmallVector<int64_t>> staticOffsets(SliceOp op, int64_t rank,
                                              int64_t resultRank) {
  if (!op.hasUnitStride() || rank != resultRank ||
      ShapedType::isDynamicShape(op.getStaticOffsets()) ||
      ShapedType::isDynamicShape(op.getStaticSizes()))
    return op.emitError() << "imc-to-sim: only static, unit-stride, "
                             "rank-preserving slices are supported";
  return SmallVector<int64_t>(op.getStaticOffsets());
}

/// The loop nest and body of a dpu.generic, in the encoding of
/// imc/Format/Generic.h.
FailureOr<std::vector<int64_t>> encodeGeneric(dpu::GenericOp op) {
  using format::BodyOp;
  format::GenericSpec spec;
  spec.numLoops = op.getIteratorTypes().size();
  for (auto [i, it] : llvm::enumerate(op.getIteratorTypes()))
    if (cast<StringAttr>(it).getValue() == "reduction")
      spec.reductionMask |= uint64_t(1) << i;
  for (Attribute m : op.getIndexingMaps()) {
    std::vector<int64_t> loops;
    std::vector<format::AffineIndex> affine;
    for (AffineExpr e : cast<AffineMapAttr>(m).getValue().getResults()) {
      affine.emplace_back();
      if (auto d = dyn_cast<AffineDimExpr>(e)) {
        loops.push_back(d.getPosition());
        continue;
      }
      // constant + sum coef * loop (the verifier admits nothing else).
      SmallVector<int64_t> coef(spec.numLoops + 1, 0);
      if (!dpu::linearForm(e, coef))
        return op.emitError("imc-to-sim: an indexing expression is not a "
                            "sum of loops times constants");
      loops.push_back(-1);
      for (int64_t l = 0; l < spec.numLoops; ++l)
        if (coef[l])
          affine.back().terms.push_back({l, coef[l]});
      affine.back().constant = coef[spec.numLoops];
    }
    spec.operandLoops.push_back(std::move(loops));
    spec.operandAffine.push_back(std::move(affine));
  }
  Block &body = op.getBody().front();
  llvm::DenseMap<Value, int64_t> ref;
  for (BlockArgument a : body.getArguments())
    ref[a] = a.getArgNumber();
  int64_t next = body.getNumArguments();
  auto push = [&](BodyOp kind, std::vector<int64_t> args, int64_t extra) {
    spec.body.push_back({kind, std::move(args), extra});
    return next++;
  };
  // A value: a block argument, an earlier body result, or an f32 constant
  // (possibly defined outside the body), inlined as a Const.
  auto lookup = [&](Value v) -> std::optional<int64_t> {
    if (auto it = ref.find(v); it != ref.end())
      return it->second;
    FloatAttr f;
    if (!matchPattern(v, m_Constant(&f)))
      return std::nullopt;
    double d = f.getValueAsDouble();
    int64_t bits;
    std::memcpy(&bits, &d, sizeof bits);
    return ref[v] = push(BodyOp::Const, {}, bits);
  };
  for (Operation &inner : body.without_terminator()) {
    if (matchPattern(&inner, m_Constant()))
      continue; // inlined where used
    std::optional<BodyOp> kind =
        llvm::TypeSwitch<Operation *, std::optional<BodyOp>>(&inner)
            .Case<arith::AddFOp>([](auto) { return BodyOp::Add; })
            .Case<arith::SubFOp>([](auto) { return BodyOp::Sub; })
            .Case<arith::MulFOp>([](auto) { return BodyOp::Mul; })
            .Case<arith::DivFOp>([](auto) { return BodyOp::Div; })
            .Case<arith::MaximumFOp>([](auto) { return BodyOp::Maximum; })
            .Case<arith::MaxNumFOp>([](auto) { return BodyOp::MaxNum; })
            .Case<arith::MinimumFOp>([](auto) { return BodyOp::Minimum; })
            .Case<arith::MinNumFOp>([](auto) { return BodyOp::MinNum; })
            .Case<arith::NegFOp>([](auto) { return BodyOp::Neg; })
            .Case<math::AbsFOp>([](auto) { return BodyOp::Abs; })
            .Case<math::ExpOp>([](auto) { return BodyOp::Exp; })
            .Case<math::LogOp>([](auto) { return BodyOp::Log; })
            .Case<math::SqrtOp>([](auto) { return BodyOp::Sqrt; })
            .Case<math::RsqrtOp>([](auto) { return BodyOp::Rsqrt; })
            .Case<math::TanhOp>([](auto) { return BodyOp::Tanh; })
            .Case<math::ErfOp>([](auto) { return BodyOp::Erf; })
            .Case<arith::CmpFOp>([](auto) { return BodyOp::Cmp; })
            .Case<arith::SelectOp>([](auto) { return BodyOp::Select; })
            .Default([](Operation *) { return std::nullopt; });
    if (!kind)
      return inner.emitError() << "imc-to-sim: '" << inner.getName()
                               << "' is not supported in a dpu.generic body";
    std::vector<int64_t> args;
    for (Value v : inner.getOperands()) {
      std::optional<int64_t> r = lookup(v);
      if (!r)
        return inner.emitError("imc-to-sim: a dpu.generic body may only use "
                               "its arguments, earlier results and f32 "
                               "constants");
      args.push_back(*r);
    }
    int64_t extra = 0;
    if (auto cmp = dyn_cast<arith::CmpFOp>(inner))
      extra = int64_t(cmp.getPredicate());
    ref[inner.getResult(0)] = push(*kind, std::move(args), extra);
  }
  std::optional<int64_t> y =
      lookup(cast<dpu::YieldOp>(body.getTerminator()).getValue());
  if (!y)
    return op.emitError("imc-to-sim: dpu.generic yields an unknown value");
  spec.yield = *y;
  return format::encodeGeneric(spec);
}

func::FuncOp findEntry(ModuleOp module) {
  func::FuncOp entry, onlyPublic;
  int publicCount = 0;
  for (auto f : module.getOps<func::FuncOp>()) {
    if (f.isExternal())
      continue;
    if (f.getSymName() == "main")
      entry = f;
    if (f.isPublic()) {
      ++publicCount;
      onlyPublic = f;
    }
  }
  if (entry)
    return entry;
  return publicCount == 1 ? onlyPublic : func::FuncOp();
}

} // namespace

FailureOr<format::Program> imc::buildSimProgram(ModuleOp module) {
  format::Program p;
  std::string error;
  Attribute targetAttr = module->getAttr(ImcDialect::kTargetAttrName);
  if (!targetAttr)
    return module.emitError("imc-to-sim: the module has no 'imc.target'; "
                            "compile it with imc-opt "
                            "--imc-pipeline=\"target=FILE.json\" first");
  FailureOr<std::string> targetJson = targetJsonFromAttr(targetAttr, error);
  if (failed(targetJson))
    return module.emitError() << error;
  p.targetJson = *targetJson;

  func::FuncOp entry = findEntry(module);
  if (!entry)
    return module.emitError("imc-to-sim: no entry function: expected @main or "
                            "exactly one public function with a body");
  if (!entry.getBody().hasOneBlock())
    return entry.emitError("imc-to-sim: the entry function must have a "
                           "single block");

  ProgramBuilder b(p);
  p.entryName = b.string(entry.getSymName());
  for (BlockArgument arg : entry.getArguments()) {
    FailureOr<uint32_t> id = b.define(arg, entry);
    if (failed(id))
      return failure();
    p.inputs.push_back(*id);
  }

  for (Operation &opRef : entry.getBody().front()) {
    Operation *op = &opRef;
    LogicalResult ok =
        llvm::TypeSwitch<Operation *, LogicalResult>(op)
            .Case<arith::ConstantOp>([&](arith::ConstantOp c) {
              // Scalars hoisted out of dpu.generic bodies (canonicalize
              // does that) are inlined into the bodies' bytecode.
              if (isa<FloatAttr>(c.getValue()) &&
                  llvm::all_of(c->getUsers(), [](Operation *user) {
                    return user->getParentOfType<dpu::GenericOp>();
                  }))
                return success();
              auto dense = dyn_cast<DenseElementsAttr>(c.getValue());
              if (!dense || !dense.getElementType().isF32())
                return LogicalResult(c.emitError(
                    "imc-to-sim: only dense f32 tensor constants are "
                    "supported"));
              FailureOr<uint32_t> id = b.define(c.getResult(), op);
              if (failed(id))
                return failure();
              // A splat stays one element (format 1.1): a dense<0.0> of
              // 2^32 elements costs 4 bytes, not 16 GiB.
              if (dense.isSplat()) {
                p.constants.push_back({*id, {dense.getSplatValue<float>()}});
                return success();
              }
              ArrayRef<float> values = denseF32(dense);
              p.constants.push_back({*id, {values.begin(), values.end()}});
              return success();
            })
            .Case<tensor::EmptyOp>([&](tensor::EmptyOp e) {
              return b.emit(op, Opcode::Empty, {}, {});
            })
            .Case<tensor::ExtractSliceOp>([&](tensor::ExtractSliceOp s) {
              auto offsets = staticOffsets(s, s.getSourceType().getRank(),
                                           s.getType().getRank());
              if (failed(offsets))
                return LogicalResult(failure());
              return b.emit(op, Opcode::ExtractSlice, s.getSource(), *offsets);
            })
            .Case<tensor::InsertSliceOp>([&](tensor::InsertSliceOp s) {
              auto offsets = staticOffsets(s, s.getDestType().getRank(),
                                           s.getSourceType().getRank());
              if (failed(offsets))
                return LogicalResult(failure());
              return b.emit(op, Opcode::InsertSlice,
                            {s.getSource(), s.getDest()}, *offsets);
            })
            .Case<xbar::ProgramOp>([&](xbar::ProgramOp x) {
              // The mapping only when it is not the default (format 1.2).
              std::vector<int64_t> attrs = {int64_t(x.getTile()),
                                            int64_t(x.getWeightBits()),
                                            int64_t(x.getCellBits())};
              if (x.getMapping() != hw::WeightMapping::Differential)
                attrs.push_back(int64_t(x.getMapping()));
              return b.emit(op, Opcode::XbarProgram, x.getWeights(), attrs);
            })
            .Case<xbar::MvmOp>([&](xbar::MvmOp x) {
              std::vector<int64_t> attrs = {
                  int64_t(x.getInputBits()), int64_t(x.getDacBits()),
                  int64_t(x.getAdcBits()), int64_t(x.getParallelRows())};
              if (x.getUnsignedInput())
                attrs.push_back(1);
              return b.emit(op, Opcode::XbarMvm, {x.getTile(), x.getInput()},
                            attrs);
            })
            .Case<xbar::AccumulateOp>([&](xbar::AccumulateOp x) {
              return b.emit(op, Opcode::XbarAccumulate, x.getPartials(), {});
            })
            .Case<dpu::AddOp>([&](auto) {
              return b.emit(op, Opcode::DpuAdd, op->getOperands(), {});
            })
            .Case<dpu::SubOp>([&](auto) {
              return b.emit(op, Opcode::DpuSub, op->getOperands(), {});
            })
            .Case<dpu::MulOp>([&](auto) {
              return b.emit(op, Opcode::DpuMul, op->getOperands(), {});
            })
            .Case<dpu::MaxOp>([&](auto) {
              return b.emit(op, Opcode::DpuMax, op->getOperands(), {});
            })
            .Case<dpu::ReluOp>([&](auto) {
              return b.emit(op, Opcode::DpuRelu, op->getOperands(), {});
            })
            .Case<dpu::BiasAddOp>([&](auto) {
              return b.emit(op, Opcode::DpuBiasAdd, op->getOperands(), {});
            })
            .Case<dpu::MatmulOp>([&](auto) {
              return b.emit(op, Opcode::DpuMatmul, op->getOperands(), {});
            })
            .Case<dpu::ReduceSumOp>([&](dpu::ReduceSumOp r) {
              return b.emit(op, Opcode::DpuReduceSum, r.getInput(),
                            {int64_t(r.getDim())});
            })
            .Case<dpu::RequantizeOp>([&](dpu::RequantizeOp r) {
              return b.emit(op, Opcode::DpuRequantize, r.getInput(),
                            {int64_t(r.getBits())});
            })
            .Case<dpu::Im2colOp>([&](dpu::Im2colOp o) {
              SmallVector<int64_t> a(o.getKernel());
              llvm::append_range(a, o.getStrides());
              llvm::append_range(a, o.getPadding());
              llvm::append_range(a, o.getDilations());
              return b.emit(op, Opcode::DpuIm2col, o.getInput(), a);
            })
            .Case<dpu::ReshapeOp>([&](dpu::ReshapeOp o) {
              return b.emit(op, Opcode::DpuReshape, o.getInput(), {});
            })
            .Case<dpu::TransposeOp>([&](dpu::TransposeOp o) {
              return b.emit(op, Opcode::DpuTranspose, o.getInput(),
                            o.getPermutation());
            })
            .Case<dpu::AffineOp>([&](dpu::AffineOp o) {
              return b.emit(op, Opcode::DpuAffine, op->getOperands(),
                            {int64_t(o.getDim())});
            })
            .Case<dpu::PoolOp>([&](dpu::PoolOp o) {
              SmallVector<int64_t> a{o.getKind() == "max" ? 0 : 1};
              llvm::append_range(a, o.getKernel());
              llvm::append_range(a, o.getStrides());
              llvm::append_range(a, o.getPadding());
              return b.emit(op, Opcode::DpuPool, o.getInput(), a);
            })
            .Case<dpu::GenericOp>([&](dpu::GenericOp g) {
              FailureOr<std::vector<int64_t>> attrs = encodeGeneric(g);
              if (failed(attrs))
                return LogicalResult(failure());
              return b.emit(op, Opcode::DpuGeneric, op->getOperands(), *attrs);
            })
            .Case<func::ReturnOp>([&](func::ReturnOp r) {
              for (Value v : r.getOperands())
                p.outputs.push_back(b.id(v));
              return success();
            })
            .Default([&](Operation *) {
              return op->emitError()
                     << "imc-to-sim: '" << op->getName()
                     << "' has no simulator form; lower the module with "
                        "imc-opt --imc-pipeline first";
            });
    if (failed(ok))
      return failure();
  }

  std::optional<hw::Target> target =
      hw::parseTarget(p.targetJson, "imc.target", error);
  std::string invalid = format::verifyProgram(p, *target);
  if (!invalid.empty())
    return module.emitError()
           << "imc-to-sim: the program would be invalid: " << invalid;
  return p;
}

LogicalResult imc::translateToSimBinary(ModuleOp module,
                                        llvm::raw_ostream &os) {
  FailureOr<format::Program> p = buildSimProgram(module);
  if (failed(p))
    return failure();
  std::vector<uint8_t> bytes = format::serialize(*p);
  os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
  return success();
}
