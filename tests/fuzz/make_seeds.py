#!/usr/bin/env python3
# Writes the seed inputs of the pooling and convolution fuzz targets
# (tests/fuzz/corpus/<target>/) in the byte order their decoders read.
# Run from anywhere: python3 tests/fuzz/make_seeds.py
import os

HERE = os.path.dirname(os.path.abspath(__file__))

def sz(v, lo=0):  # Input::size: a selector byte, then the value byte
    assert 0 <= v - lo < 192
    return [0, v - lo]

def flag(b): return [1 if b else 0]
def one_in8(b): return [7 if b else 0]
def seed(): return [0x12, 0x34, 0x56, 0x78]
def values(n, pattern=(120, 136, 104, 120, 250, 200)):
    return [pattern[i % len(pattern)] for i in range(n)]

def hostile(*rest): return one_in8(True) + list(rest)

def write(target, name, data):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(bytes(data))

# Window pooling (window_pool_driver.h).
def pool_axis(max_, kernel, stride, dilation=1, keras=None, pad=0, ceil=False):
    b = sz(kernel, 1) + sz(stride, 1) + (sz(dilation, 1) if max_ else [])
    if keras is not None: return b + flag(True) + flag(keras == 'same')
    return b + flag(False) + sz(pad) + flag(ceil)

def window(kind, outer, channels, h, w, ah, aw, include_pad=False, divisor=None, indices=False, threads=False, vals=None):
    max_, nhwc = kind.startswith('max'), kind.endswith('nhwc')
    b = one_in8(False) + sz(outer) + (sz(channels) if nhwc else []) + sz(h) + sz(w) + ah + aw
    if not max_:
        b += flag(include_pad) + one_in8(divisor is not None) + (sz(divisor, 1) if divisor else [])
    if max_ and not nhwc: b += flag(indices)
    return b + one_in8(threads) + seed() + (vals or values(outer * channels * h * w))

for kind in ['avg_pool2d_nchw', 'max_pool2d_nchw', 'avg_pool2d_nhwc', 'max_pool2d_nhwc']:
    t, m = kind + '_fuzz', kind.startswith('max')
    write(t, 'small_2x2', window(kind, 2, 3, 5, 6, pool_axis(m, 2, 2), pool_axis(m, 2, 2), indices=True))
    write(t, 'padded_ceil', window(kind, 1, 4, 7, 9, pool_axis(m, 3, 2, 2, pad=1, ceil=True),
                                   pool_axis(m, 3, 2, 1, pad=1, ceil=True), include_pad=True, indices=True))
    write(t, 'keras_same', window(kind, 2, 5, 9, 4, pool_axis(m, 3, 2, keras='same'), pool_axis(m, 2, 1, keras='same')))
    write(t, 'ties_all_zero', window(kind, 1, 2, 6, 6, pool_axis(m, 3, 1), pool_axis(m, 3, 1), indices=True,
                                     vals=[120] * 72))
    write(t, 'split_two_threads', window(kind, 8, 8, 96, 96, pool_axis(m, 3, 1, pad=1), pool_axis(m, 3, 1, pad=1),
                                         divisor=4, indices=True, threads=True, vals=[]))
    write(t, 'empty_input', window(kind, 2, 3, 0, 5, pool_axis(m, 1, 1, keras='same'), pool_axis(m, 2, 1)))
    # 3x3/2 windows take the ring path (pool/ring_k3s2.h): wide rows, both paddings.
    write(t, 'k3s2_torch_pad1', window(kind, 2, 5, 13, 37, pool_axis(m, 3, 2, pad=1), pool_axis(m, 3, 2, pad=1),
                                       include_pad=True))
    write(t, 'k3s2_keras_same', window(kind, 1, 6, 10, 40, pool_axis(m, 3, 2, keras='same'),
                                       pool_axis(m, 3, 2, keras='same')))
    write(t, 'hostile_null_input', hostile(*sz(2), *sz(3), *sz(4), *sz(4), 0, 1))
    write(t, 'hostile_huge_height', hostile(*sz(2), *sz(3), *sz(4), *sz(4), 5, 0))

# Adaptive 2D pooling.
for m in ['avg', 'max']:
    t = f'adaptive_{m}_pool2d_nchw_fuzz'
    def adaptive(planes, h, w, oh, ow, indices=True, threads=False, vals=None):
        return (one_in8(False) + sz(planes) + sz(h) + sz(w) + sz(oh) + sz(ow) + (flag(indices) if m == 'max' else [])
                + one_in8(threads) + seed() + (vals if vals is not None else values(planes * h * w)))
    write(t, 'small', adaptive(3, 7, 5, 3, 2))
    write(t, 'upsample', adaptive(2, 3, 4, 7, 9))
    write(t, 'divisible', adaptive(4, 8, 12, 4, 3))
    write(t, 'ties_all_zero', adaptive(2, 5, 5, 2, 2, vals=[120] * 50))
    write(t, 'split_two_threads', adaptive(30, 60, 30, 7, 7, threads=True, vals=[]))
    write(t, 'empty_input', adaptive(2, 0, 5, 3, 3))
    write(t, 'hostile_null_output', hostile(*sz(2), *sz(4), *sz(4), *sz(2), *sz(2), *([0] if m == 'max' else []), 1))
    write(t, 'hostile_huge_planes', hostile(*sz(2), *sz(4), *sz(4), *sz(2), *sz(2), *([0] if m == 'max' else []), 2, 0))

# Global max pooling (same decoder as the global average targets).
for l in ['ncl', 'nlc']:
    t = f'global_max_pool1d_{l}_fuzz'
    def gmax(masked, batch, channels, length, threads=False, vals=None):
        b = one_in8(False) + flag(masked) + sz(batch) + sz(channels) + sz(length) + one_in8(threads) + seed()
        return b + ([1, 3, 1, 1, 6, 1] * 40 if masked else []) + (vals if vals is not None else values(batch * channels * length))
    write(t, 'small', gmax(False, 2, 5, 7))
    write(t, 'masked', gmax(True, 3, 4, 9))
    write(t, 'nan_and_inf', gmax(False, 1, 3, 8, vals=[251, 120, 253, 252, 250, 254, 255, 120] * 3))
    write(t, 'empty_steps', gmax(False, 2, 3, 0))
    write(t, 'split_two_threads', gmax(False, 4, 128, 120, threads=True, vals=[]))
    write(t, 'hostile_null_output', hostile(*sz(2), *sz(4), *sz(4), 0, 1))
    write(t, 'hostile_huge_channels', hostile(*sz(2), *sz(4), *sz(4), 0, 4, 0))

# Convolutions (conv_driver.h).
def conv_axis(kernel, stride, dilation, mode, pad=0, out=None):
    b = sz(kernel, 1) + sz(stride, 1) + sz(dilation, 1) + [mode]
    if mode == 3: return b + sz(pad) + sz(out, 1)
    if mode == 1: return b + sz(pad)
    return b

def conv(dw, batch, groups, cin_g, cout_g, h, w, ah, aw, hwio=False, bias=True, act=0, invalid=None, threads=False):
    b = one_in8(False) + sz(batch)
    b += sz(cin_g, 1) if dw else sz(groups, 1) + sz(cin_g, 1) + sz(cout_g, 1)
    b += sz(h, 1) + sz(w, 1) + ah + aw + flag(hwio) + [1 if bias else 0] + [act]
    b += one_in8(invalid is not None) + ([invalid - 1] if invalid is not None else [])
    return b + one_in8(threads) + seed()  # values: the seeded LCG

for kind in ['conv_nhwc', 'conv_nchw', 'dwconv_nhwc', 'dwconv_nchw']:
    t, dw = kind + '_fuzz', kind.startswith('dw')
    write(t, 'grouped_strided_dilated', conv(dw, 2, 2, 3, 9, 11, 10, conv_axis(3, 2, 2, 0), conv_axis(2, 1, 3, 1, 2),
                                             hwio=True, act=7))
    write(t, 'keras_same_relu6', conv(dw, 1, 1, 5, 17, 9, 9, conv_axis(5, 2, 1, 2), conv_axis(4, 1, 1, 2),
                                      hwio=True, act=2))
    write(t, 'output_past_input', conv(dw, 1, 3, 2, 2, 5, 5, conv_axis(3, 1, 1, 3, 2, 9), conv_axis(1, 1, 1, 3, 0, 8),
                                       hwio=True, bias=False, act=3))
    write(t, 'pytorch_layout', conv(dw, 1, 1, 4, 6, 8, 8, conv_axis(3, 1, 1, 1, 1), conv_axis(3, 1, 1, 1, 1), act=1))
    write(t, 'split_two_threads', conv(dw, 2, 1, 12, 16, 36, 36, conv_axis(3, 1, 1, 1, 1), conv_axis(3, 1, 1, 1, 1),
                                       hwio=True, threads=True))
    write(t, 'invalid_groups', conv(dw, 1, 2, 3, 4, 6, 6, conv_axis(3, 1, 1, 0), conv_axis(3, 1, 1, 0), hwio=True, invalid=3))
    write(t, 'hostile_null_input', hostile(*sz(3, 1), *sz(1), *([] if dw else sz(4, 1)), *sz(5, 1), *sz(5, 1),
                                           *([] if kind.endswith('nhwc') else [1]), 0))
    write(t, 'hostile_huge_height', hostile(*sz(3, 1), *sz(1), *([] if dw else sz(4, 1)), *sz(5, 1), *sz(5, 1),
                                            *([] if kind.endswith('nhwc') else [1]), 6, 0))

# activate / softmax_rows.
def act_case(softmax, rows, n, act=0, invalid=False, specials=True, threads=False):
    b = one_in8(False) + flag(softmax) + sz(rows) + sz(n) + [act] + [15 if invalid else 0]
    return b + (flag(specials) if softmax else []) + one_in8(threads) + seed() + values(rows * n, (251, 120, 253, 100, 252, 150, 250))
for a in [3, 7, 9, 11]:
    write('activate_fuzz', f'activation_{a}', act_case(False, 3, 37, act=a))
write('activate_fuzz', 'softmax', act_case(True, 5, 19, specials=False))
write('activate_fuzz', 'softmax_specials', act_case(True, 4, 9))
write('activate_fuzz', 'invalid_activation', act_case(False, 2, 8, act=5, invalid=True))
write('activate_fuzz', 'hostile_huge_n', hostile(0, *sz(2), *sz(8), 2, 0))
