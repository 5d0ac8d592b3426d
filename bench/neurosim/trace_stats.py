# Summarise NeuroSim trace CSVs: input bit density per bit position, weight code stats.
import numpy as np, json, sys, os
d = sys.argv[1]
layers = ['Conv0_','Conv1_','Conv3_','Conv4_','Conv6_','Conv7_','FC0_','FC1_']
out = {}
for L in layers:
    w = np.loadtxt(os.path.join(d, 'weight'+L+'.csv'), delimiter=',', ndmin=2)
    x = np.loadtxt(os.path.join(d, 'input'+L+'.csv'), delimiter=',', ndmin=2)
    code = np.floor(128*(w+1) + 0.5).astype(int)   # offset-binary code used by the C++ loader
    bits = ((code[..., None] >> np.arange(7, -1, -1)) & 1)
    nb = 8
    xb = x.reshape(x.shape[0], -1, nb)          # rows x vectors x bitpos(MSB first)
    out[L] = dict(weight_shape=list(w.shape), input_shape=list(x.shape),
                  weight_mean=float(w.mean()), weight_absmean=float(np.abs(w).mean()), weight_code_min=int(code.min()), weight_code_max=int(code.max()),
                  weight_cell_one_fraction=float(bits.mean()),
                  weight_cell_one_fraction_by_bit_msb_first=[round(float(v),4) for v in bits.mean(axis=(0,1))],
                  input_one_fraction=float(x.mean()),
                  input_one_fraction_by_bit_msb_first=[round(float(v),4) for v in xb.mean(axis=(0,1))],
                  input_nonzero_activation_fraction=float((xb.sum(axis=2)>0).mean()))
    print(L, json.dumps(out[L]))
json.dump(out, open(sys.argv[2],'w'), indent=1)
