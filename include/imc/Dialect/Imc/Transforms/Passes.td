//===- Passes.td - imc transformation passes ---------------*- tablegen -*-===//
//
// Part of imc, under the Apache License v2.0 with LLVM Exceptions.
//
//===----------------------------------------------------------------------===//

#ifndef IMC_DIALECT_IMC_TRANSFORMS_PASSES_TD
#define IMC_DIALECT_IMC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ImcFuseBatchNorm : Pass<"imc-fuse-batchnorm", "::mlir::ModuleOp"> {
  let summary = "Fold per-channel scale/shift (inference batch norm) into the "
                "weights and bias of the convolution or matmul before it";
  let description = [{
    A `dpu.affine` along the channel dimension of an `imc.conv2d` (dim 1), or
    along the output dimension of an `imc.mvm` (optionally through its
    `dpu.bias_add`), is folded: `W'[.., f] = W[.., f] * scale[f]`,
    `b'[f] = b[f] * scale[f] + shift[f]`. Exact up to f32 rounding of the
    new constants. Only producers with no other user are rewritten; a
    `dpu.affine` with nothing to fold into stays on the DPU.
  }];
  let dependentDialects = ["::imc::ImcDialect", "::imc::dpu::DpuDialect"];
}

def ImcLowerConv : Pass<"imc-lower-conv", "::mlir::ModuleOp"> {
  let summary = "Unroll imc.conv2d into im2col and a weight-stationary MVM";
  let description = [{
    `imc.conv2d` becomes `dpu.im2col` (rows = output pixels, columns =
    C KH KW window elements), an `imc.mvm` with the `(C KH KW) x F` weight
    matrix (NeuroSim's conventional mapping: each filter is one crossbar
    column), `dpu.bias_add`, and a reshape + transpose back to NCHW. Grouped
    and depthwise convolutions use a block-diagonal weight matrix; `imc-tile`
    does not place its all-zero blocks on tiles.
  }];
  let dependentDialects = ["::imc::ImcDialect", "::imc::dpu::DpuDialect",
                           "::mlir::arith::ArithDialect"];
}

def ImcMap : Pass<"imc-map", "::mlir::ModuleOp"> {
  let summary = "Assign every imc.mvm to crossbar tiles or to the DPU";
  let description = [{
    Decides, per layer (an op's location name), whether each weight-stationary
    product runs on crossbar tiles (`#imc.engine<xbar>`) or on the DPU
    (`#imc.engine<dpu>`), in the spirit of LionHeart's layer mapping.

    Policies:
    - `analog`: every product on crossbars ("all analog where possible"),
      except layers whose crossbar utilization (non-zero weights over the
      weight capacity of the tiles they occupy, as imc-tile would cut them)
      is below `min-utilization`: depthwise and tiny layers that would leave
      arrays mostly empty.
    - `digital`: everything on the DPU (the all-digital baseline).
    - `budget`: at most `max-analog-ratio` of all MACs on crossbars; layers
      are considered in order of decreasing utilization (ties: more MACs
      first) and each is admitted if it still fits in the remaining budget
      (so a smaller layer after one that did not fit can still be admitted).
    - `energy`: each product where it costs less energy per inference, both
      sides from cost::Model (cost::productEnergy, docs/cost-model.md): its
      tiles' MVMs, accumulation and input traffic at the target's precision
      against the DPU's MACs (zeros skipped) and buffer traffic. Needs the
      target.

    `overrides` pins layers by name (`fc1=dpu,conv2=xbar`) before the policy
    runs; an `engine` already on an op is kept. With `emit-remarks`, every
    decision (MACs, tiles, utilization, reason) and the resulting analog MAC
    ratio are reported as remarks. Utilization needs the target
    (`target=` or the module's `imc.target`).
  }];
  let options = [
    Option<"policy", "policy", "std::string", /*default=*/"\"analog\"",
           "Mapping policy: analog | digital | budget | energy">,
    Option<"maxAnalogRatio", "max-analog-ratio", "double", /*default=*/"1.0",
           "budget policy: the largest allowed analog MAC ratio, in [0, 1]">,
    Option<"minUtilization", "min-utilization", "double", /*default=*/"0.0",
           "analog policy: layers below this crossbar utilization go to the "
           "DPU, in [0, 1]">,
    Option<"overrides", "overrides", "std::string", /*default=*/"\"\"",
           "Per-layer engines, comma-separated: layer=xbar or layer=dpu">,
    Option<"targetPath", "target", "std::string", /*default=*/"\"\"",
           "Hardware target JSON file (default: the module's imc.target)">,
    Option<"emitRemarks", "emit-remarks", "bool", /*default=*/"false",
           "Report each decision and the analog MAC ratio as remarks">,
  ];
  let dependentDialects = ["::imc::ImcDialect"];
}

def ImcTile : Pass<"imc-tile", "::mlir::ModuleOp"> {
  let summary = "Tile crossbar-mapped imc.mvm ops to the target's array size";
  let description = [{
    Splits the `K x N` weights of every crossbar-mapped `imc.mvm` into blocks
    of at most `rows` x `cols / (2 S)` weights (S cell slices per weight, the
    pair being differential), one per crossbar tile. Row blocks read slices
    of the input (`tensor.extract_slice`) and their partial sums are added by
    `imc.accumulate`; column blocks are placed into the result with
    `tensor.insert_slice`. Ops that already fit are left alone.

    With `replicate`, crossbar-mapped ops are first split by input rows
    (vectors) into replicas, each with its own copy of the weights on its own
    tiles, so that their MVMs run on different arrays in parallel (ISAAC's
    replication for throughput): `replicate=N` gives every op min(N, M)
    replicas (M = its input rows); `replicate=auto` spends the arrays the
    network leaves free (`num_tiles` minus its tiles), one replica at a time,
    on the op with the most serial MVM work per replica (ceil(M / r) x row
    groups per tile), as long as its tiles fit. Outputs are unchanged in
    ideal and quantized mode (every vector is computed alone); in noisy mode
    each replica has its own devices.
  }];
  let options = [
    Option<"targetPath", "target", "std::string", /*default=*/"\"\"",
           "Hardware target JSON file (default: the module's imc.target)">,
    Option<"replicate", "replicate", "std::string", /*default=*/"\"1\"",
           "Weight replicas: a count N >= 1 for every op, or 'auto' "
           "(spare arrays to the slowest ops)">,
  ];
  let dependentDialects = ["::imc::ImcDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // IMC_DIALECT_IMC_TRANSFORMS_PASSES_TD
