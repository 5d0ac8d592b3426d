"""Layers both front ends (imc.export and imc.import_onnx) build from the C++
importer's primitives, written once: strided slicing and gathers along a
dimension, constant padding, pooling with every window rule of PyTorch and
ONNX (ceil mode, dilation, divisors), adaptive average pooling to any size,
nearest and linear resampling, one-hot embeddings, and a few activations.

Every function takes handles with their static shapes and returns a handle
(and a shape where it changes); errors are ImcError naming the layer.
"""
import math

import numpy as np

from ._imc import ImcError


def pool_out(size, k, s, p, d, ceil, pad_hi=None):
    """PyTorch's (and ONNX's) pooling output size along one dimension."""
    hi = p if pad_hi is None else pad_hi
    eff = d * (k - 1) + 1
    num = size + p + hi - eff + ((s - 1) if ceil else 0)
    out = num // s + 1
    if ceil and (out - 1) * s >= size + p:
        out -= 1
    return out


class Layers:
    def __init__(self, imp):
        self.imp = imp

    def const(self, a):
        return self.imp.constant(np.ascontiguousarray(a, np.float32))

    def reshape(self, h, shp, name):
        return self.imp.reshape(h, [int(d) for d in shp], name)

    def slice_dim(self, h, shp, dim, start, stop, step, name):
        """h[..., start:stop:step, ...] along dim (Python slice rules);
        returns (handle, shape)."""
        shp = list(shp)
        n = shp[dim]
        idx = range(*slice(start, stop, step).indices(n))
        cnt = len(idx)
        if cnt == 0:
            raise ImcError("imc: '%s': an empty slice of dimension %d (size %d)"
                           % (name, dim, n))
        if cnt == n and idx.step == 1:
            return h, shp
        out = list(shp)
        out[dim] = cnt
        if idx.step == 1:
            off = [0] * len(shp)
            off[dim] = idx.start
            return self.imp.slice(h, off, out, name), out
        s = idx.step
        if s > 0 and idx.start + s * cnt <= n:
            # A box of cnt x s, then its first column.
            off = [0] * len(shp)
            off[dim] = idx.start
            box = list(shp)
            box[dim] = s * cnt
            b = self.imp.slice(h, off, box, name)
            split = shp[:dim] + [cnt, s] + shp[dim + 1:]
            b = self.reshape(b, split, name)
            one = list(split)
            one[dim + 1] = 1
            b = self.imp.slice(b, [0] * len(split), one, name)
            return self.reshape(b, out, name), out
        return self.gather_dim(h, shp, dim, list(idx), name), out

    def gather_dim(self, h, shp, dim, idx, name):
        """h indexed along dim by the list idx: runs of consecutive indices
        become slices, concatenated (each index of the range repeated r
        times: a broadcast)."""
        shp = list(shp)
        n = shp[dim]
        for i in idx:
            if not -n <= i < n:
                raise ImcError("imc: '%s': index %d out of range for dimension %d "
                               "of size %d" % (name, i, dim, n))
        idx = [int(i) % n for i in idx]
        r = len(idx) // n if n else 0
        if r >= 1 and len(idx) == r * n and idx == [i // r for i in range(r * n)]:
            if r == 1:
                return h
            a = self.reshape(h, shp[:dim + 1] + [1] + shp[dim + 1:], name)
            a = self.imp.expand(a, shp[:dim + 1] + [r] + shp[dim + 1:], name)
            return self.reshape(a, shp[:dim] + [n * r] + shp[dim + 1:], name)
        parts, i = [], 0
        while i < len(idx):
            j = i
            while j + 1 < len(idx) and idx[j + 1] == idx[j] + 1:
                j += 1
            off = [0] * len(shp)
            off[dim] = idx[i]
            size = list(shp)
            size[dim] = j - i + 1
            parts.append(self.imp.slice(h, off, size, name))
            i = j + 1
        return parts[0] if len(parts) == 1 else self.imp.concat(parts, dim, name)

    def pad_dims(self, h, shp, pads, value, name):
        """Constant padding, pads[d] = (before, after) per dimension (negative:
        cropping); returns (handle, shape)."""
        shp = list(shp)
        for d, (lo, hi) in enumerate(pads):
            if lo < 0 or hi < 0:
                h, shp = self.slice_dim(h, shp, d, max(-lo, 0), shp[d] - max(-hi, 0),
                                        1, name)
                lo, hi = max(lo, 0), max(hi, 0)
            if lo == 0 and hi == 0:
                continue
            parts = []
            for k in (lo, None, hi):
                if k is None:
                    parts.append(h)
                elif k:
                    s = list(shp)
                    s[d] = k
                    parts.append(self.const(np.full(s, float(value), np.float32)))
            h = self.imp.concat(parts, d, name)
            shp[d] += lo + hi
        return h, shp

    def pool(self, h, xs, is_max, k, s, p, d, ceil, count_pad, divisor, name):
        """Max or average 2-D pooling of an [N, C, H, W] or [C, H, W] tensor.
        p is [top, left] (both sides) or [top, left, bottom, right]; windows
        follow PyTorch and ONNX: ceil_mode (a window starting in the right
        padding is dropped), dilation (max), count_include_pad and a divisor
        override (average)."""
        if len(xs) not in (3, 4):
            raise ImcError("imc: pooling '%s' of a rank-%d input" % (name, len(xs)))
        if len(xs) == 3:
            h = self.reshape(h, [1] + list(xs), name)
        x4 = [1] + list(xs) if len(xs) == 3 else list(xs)
        p = list(p) + list(p) if len(p) == 2 else list(p)
        for i in range(2):
            if max(p[i], p[i + 2]) >= d[i] * (k[i] - 1) + 1:
                raise ImcError("imc: pooling '%s': padding %s is as large as the "
                               "window %s" % (name, p, k))
        out = [pool_out(x4[2 + i], k[i], s[i], p[i], d[i], ceil, p[i + 2])
               for i in range(2)]
        if min(out) < 1:
            raise ImcError("imc: pooling '%s': the window %s does not fit the input %s"
                           % (name, k, x4[2:]))
        hi = [max(0, (out[i] - 1) * s[i] + d[i] * (k[i] - 1) + 1 - x4[2 + i] - p[i])
              for i in range(2)]
        if list(d) != [1, 1]:
            if not is_max:
                raise ImcError("imc: dilated average pooling '%s'" % name)
            hp, sp = self.pad_dims(h, x4, [(0, 0), (0, 0), (p[0], hi[0]),
                                           (p[1], hi[1])], -math.inf, name)
            y = None
            for i in range(k[0]):
                a, sa = self.slice_dim(hp, sp, 2, i * d[0],
                                       i * d[0] + (out[0] - 1) * s[0] + 1, s[0], name)
                for j in range(k[1]):
                    t, _ = self.slice_dim(a, sa, 3, j * d[1],
                                          j * d[1] + (out[1] - 1) * s[1] + 1, s[1],
                                          name)
                    y = t if y is None else self.imp.binary("max", y, t, name)
        else:
            y = self.imp.pool2d(is_max, h, list(k), list(s), [p[0], p[1], hi[0], hi[1]],
                                name)
        if not is_max:
            # The importer divides by KH KW; the window rule by this divisor.
            div = np.empty(out, np.float64)
            for oi in range(out[0]):
                for oj in range(out[1]):
                    cnt = 1
                    for ax, o in ((0, oi), (1, oj)):
                        lo = o * s[ax] - p[ax]
                        top = min(lo + k[ax], x4[2 + ax] + p[ax + 2])
                        if not count_pad:
                            lo, top = max(lo, 0), min(top, x4[2 + ax])
                        cnt *= top - lo
                    div[oi, oj] = divisor if divisor else cnt
            scale = (k[0] * k[1]) / div
            if not np.all(scale == 1):
                y = self.imp.binary("mul", y, self.const(scale), name)
        return self.reshape(y, list(xs[:-2]) + out, name) if len(xs) == 3 else y

    def adaptive_avg(self, h, xs, size, name):
        """Adaptive average pooling of the last two dimensions to any size
        (PyTorch's windows [floor(i H / O), ceil((i + 1) H / O))): global, an
        ordinary pool when the windows are uniform, else one mean per output
        row and column."""
        hw = list(xs[-2:])
        o = [hw[i] if size[i] is None else int(size[i]) for i in range(2)]
        if o == [1, 1] and len(xs) == 4:
            return self.imp.global_avg_pool(h, name)
        if o == hw:
            return h
        if hw[0] % o[0] == 0 and hw[1] % o[1] == 0 and len(xs) == 4:
            k = [hw[0] // o[0], hw[1] // o[1]]
            return self.imp.pool2d(False, h, k, k, [0, 0], name)
        shp = list(xs)
        for ax in range(2):
            dim = len(xs) - 2 + ax
            n, m = hw[ax], o[ax]
            if n == m:
                continue
            parts = []
            for i in range(m):
                lo, top = (i * n) // m, -((-(i + 1) * n) // m)
                t, _ = self.slice_dim(h, shp, dim, lo, top, 1, name)
                parts.append(self.imp.mean(t, [dim], True, name) if top - lo > 1 else t)
            h = self.imp.concat(parts, dim, name)
            shp[dim] = m
        return h

    def resample(self, h, shp, dim, src, mode, name):
        """Resamples dimension dim at the source coordinates src (one per
        output element): 'nearest' (src already whole indices) or 'linear'
        (between floor and floor + 1, edges clamped). Returns (h, shape)."""
        n = shp[dim]
        m = len(src)
        out = list(shp)
        out[dim] = m
        if mode == "nearest":
            idx = [min(max(int(v), 0), n - 1) for v in src]
            if idx == list(range(n)):
                return h, out
            return self.gather_dim(h, shp, dim, idx, name), out
        src = [min(max(v, 0.0), n - 1.0) for v in src]
        i0 = [min(int(math.floor(v)), n - 1) for v in src]
        i1 = [min(i + 1, n - 1) for i in i0]
        lam = np.array([v - i for v, i in zip(src, i0)], np.float32)
        if i0 == list(range(n)) and not lam.any():
            return h, out
        g0 = self.gather_dim(h, shp, dim, i0, name)
        if not lam.any():
            return g0, out
        g1 = self.gather_dim(h, shp, dim, i1, name)
        wshape = [1] * len(shp)
        wshape[dim] = m
        l1 = lam.reshape(wshape)
        y = self.imp.binary("add", self.imp.binary("mul", g0, self.const(1 - l1), name),
                            self.imp.binary("mul", g1, self.const(l1), name), name)
        return y, out

    def one_hot(self, ids, s, table, name):
        """An embedding lookup as a one-hot product with the table: the
        [V, D] table is weight-stationary (on crossbars); ids are float
        values of whole numbers; one out of [0, V) gives a row of zeros."""
        v, dim = table.shape
        oh = self.imp.binary("eq", self.reshape(ids, list(s) + [1], name),
                             self.const(np.arange(v, dtype=np.float32)), name)
        y = self.imp.linear(oh, self.const(table), None, name, True)  # [in, out]
        return self.reshape(y, list(s) + [dim], name)

    def softmax(self, h, rank, dim, name, log=False):
        """Softmax (or log-softmax) over any dimension."""
        perm = list(range(rank))
        if dim != rank - 1:
            perm[dim], perm[-1] = perm[-1], perm[dim]
            h = self.imp.permute(h, perm, name)
        h = self.imp.softmax(h, name)
        if log:
            h = self.imp.unary("log", h, name)
        if dim != rank - 1:
            h = self.imp.permute(h, perm, name)
        return h

    def tanh_gelu(self, h, name):
        imp = self.imp
        c = math.sqrt(2.0 / math.pi)
        x3 = imp.binary("mul", imp.binary("mul", h, h, name), h, name)
        inner = imp.binary("add", h, imp.scalar("mul", x3, 0.044715, False, name), name)
        t = imp.unary("tanh", imp.scalar("mul", inner, c, False, name), name)
        return imp.binary("mul", imp.scalar("mul", h, 0.5, False, name),
                          imp.scalar("add", t, 1.0, False, name), name)

    def power(self, h, e, name):
        """x ** e for a number e: whole exponents up to 8 as products (exact
        for negative x), 0.5 as sqrt, others as exp(e log x)."""
        imp = self.imp
        e = float(e)
        if e == 0:
            return imp.scalar("add", imp.scalar("mul", h, 0.0, False, name), 1.0,
                              False, name)
        if e == 0.5:
            return imp.unary("sqrt", h, name)
        if e.is_integer() and abs(e) <= 8:
            y = h
            for _ in range(int(abs(e)) - 1):
                y = imp.binary("mul", y, h, name)
            return imp.scalar("div", y, 1.0, True, name) if e < 0 else y
        return imp.unary("exp", imp.scalar("mul", imp.unary("log", h, name), e, False,
                                           name), name)

    def leaky(self, h, slope, name):
        pos = self.imp.scalar("gt", h, 0.0, False, name)
        return self.imp.select(pos, h, self.imp.scalar("mul", h, float(slope), False,
                                                       name), name)

    def elu(self, h, alpha, name):
        imp = self.imp
        pos = imp.scalar("gt", h, 0.0, False, name)
        neg = imp.scalar("mul", imp.scalar("sub", imp.unary("exp", h, name), 1.0, False,
                                           name), float(alpha), False, name)
        return imp.select(pos, h, neg, name)

    def clamp(self, h, lo, hi, name):
        if lo is not None:
            h = self.imp.scalar("max", h, float(lo), False, name)
        if hi is not None:
            h = self.imp.scalar("min", h, float(hi), False, name)
        return h

    def recurrence(self, kind, x, steps, bsz, w_ih, w_hh, b_ih, b_hh, h0, c0,
                   reverse, name):
        """One layer and direction of an LSTM or GRU, unrolled over `steps`:
        x is [steps, batch, in] (time first); w_ih [G H, in], w_hh [G H, H],
        biases [G H] or None (numpy, gates in PyTorch's order: i, f, g, o
        for an LSTM, r, z, n for a GRU, with n = tanh(x_n + r (h_n + b_hn)));
        h0, c0: [batch, H] handles or None (zeros). The input projections of
        all steps are one weight-stationary product, each step's hidden
        projection another; the gates run on the DPU. Returns (outputs
        [steps, batch, H], last h, last c or None)."""
        imp = self.imp
        gates = 4 if kind == "LSTM" else 3
        hid = w_hh.shape[1]
        in_size = w_ih.shape[1]
        xp = imp.linear(self.reshape(x, [steps * bsz, in_size], name),
                        self.const(w_ih), None if b_ih is None else self.const(b_ih),
                        name + ".ih")
        xp = self.reshape(xp, [steps, bsz, gates * hid], name)
        wh = self.const(w_hh)
        bh = None if b_hh is None else self.const(b_hh)
        ht = h0 if h0 is not None else self.const(np.zeros((bsz, hid), np.float32))
        ct = None
        if kind == "LSTM":
            ct = c0 if c0 is not None else self.const(np.zeros((bsz, hid), np.float32))
        seq = [None] * steps

        def gate(src, g):
            return imp.slice(src, [0, g * hid], [bsz, hid], name)

        for t in (range(steps - 1, -1, -1) if reverse else range(steps)):
            xt = self.reshape(imp.slice(xp, [t, 0, 0], [1, bsz, gates * hid], name),
                              [bsz, gates * hid], name)
            hp = imp.linear(ht, wh, bh, name + ".hh")
            if kind == "LSTM":
                z = imp.binary("add", xt, hp, name)
                i_ = imp.unary("sigmoid", gate(z, 0), name)
                f_ = imp.unary("sigmoid", gate(z, 1), name)
                g_ = imp.unary("tanh", gate(z, 2), name)
                o_ = imp.unary("sigmoid", gate(z, 3), name)
                ct = imp.binary("add", imp.binary("mul", f_, ct, name),
                                imp.binary("mul", i_, g_, name), name)
                ht = imp.binary("mul", o_, imp.unary("tanh", ct, name), name)
            else:
                r = imp.unary("sigmoid", imp.binary("add", gate(xt, 0), gate(hp, 0),
                                                    name), name)
                zg = imp.unary("sigmoid", imp.binary("add", gate(xt, 1), gate(hp, 1),
                                                     name), name)
                n = imp.unary("tanh", imp.binary(
                    "add", gate(xt, 2), imp.binary("mul", r, gate(hp, 2), name), name),
                    name)
                # h = (1 - z) n + z h = n + z (h - n)
                ht = imp.binary("add", n, imp.binary(
                    "mul", zg, imp.binary("sub", ht, n, name), name), name)
            seq[t] = self.reshape(ht, [1, bsz, hid], name)
        out = imp.concat(seq, 0, name) if steps > 1 else seq[0]
        return out, ht, ct
