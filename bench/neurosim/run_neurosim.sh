#!/bin/bash
# Run one configuration of a locally built, locally patched DNN_NeuroSim V1.4 on the VGG8 traces
# (see README.md, "How it was run"). NeuroSim itself is not in this repository.
#
# usage: NEUROSIM=/tmp/neurosim run_neurosim.sh NAME SUBARRAY PARALLEL_ROWS [NS_VAR=value ...]
#   e.g. run_neurosim.sh D3_RRAM_adc5_pr64 128 64 NS_MEMCELLTYPE=2 NS_LEVELOUTPUT=32
# NS_* variables are read by our Param.cpp patch (NS_MEMCELLTYPE, NS_LEVELOUTPUT, NS_NUMCOLMUXED,
# NS_SARADC, NS_CURRENTMODE, NS_TECHNODE, ...); NS_NUMCOLSUBARRAY is set from SUBARRAY here.
# Writes $NEUROSIM/runs/NAME.log with a final "wall_seconds" line.
set -e
NEUROSIM=${NEUROSIM:-/tmp/neurosim}
name=$1; sub=$2; pr=$3; shift 3
mkdir -p "$NEUROSIM/runs"
cd "$NEUROSIM/Inference_pytorch"
# the wrapper writes the trace file list after the 5 leading arguments of its command line
files=$(sed 's/.*NetWork_VGG8.csv [0-9]* [0-9]* [0-9]* [0-9]* //' layer_record_VGG8/trace_command.sh)
start=$(date +%s.%N)
rc=0
env OMP_NUM_THREADS=1 NS_NUMCOLSUBARRAY=$sub "$@" nice -n 10 ./NeuroSIM/main ./NeuroSIM/NetWork_VGG8.csv 8 8 $sub $pr $files > "$NEUROSIM/runs/$name.log" 2>&1 || rc=$?
end=$(date +%s.%N)
echo "wall_seconds $(echo "$end - $start" | bc) rc $rc env $* sub $sub pr $pr" >> "$NEUROSIM/runs/$name.log"
