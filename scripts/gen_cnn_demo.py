#!/usr/bin/python3
"""Generate the data of the CNN demo (firmware/apps/cnn_demo): a C header with a batch of
test images of the trained digits CNN, their labels, the classes the float model gives them,
and the network's weights and biases quantised for the CPU path.

The kernel image itself is compiled from the same ONNX file by `pumavp compile` (a build
step of the firmware); this script reads the ONNX file on its own (a small protobuf reader:
Debian has no python3-onnx) so that the CPU path does not share code with the compiler.

Quantisation, as docs/decisions-compiler.md states it for every real constant and for the
input: q(v) = sat16(round_half_even(v * 2^f)), f = 12. Python's round() on a float is exact
and ties to even; v * 2^f of a float32 is exact in double.

The network must be the chain the demo's CPU path implements:
  Conv(k3, pad 1, stride 1) Relu MaxPool(2, stride 2) Conv(k3, pad 1) Relu MaxPool(2)
  Flatten Gemm(transB=1)
with the shapes taken from the file; anything else is refused with the reason.

usage: gen_cnn_demo.py MODEL.onnx TEST_X.npy TEST_Y.npy OUT.h [--count N]
"""
import argparse
import struct
import sys

import numpy as np

FRAC = 12


# ----------------------------------------------------------------- minimal protobuf reader
def varint(buf, pos):
    result = shift = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if not b & 0x80:
            return result, pos
        shift += 7


def fields(buf):
    """Yield (field number, wire type, value) of one message; value = int or bytes."""
    pos = 0
    while pos < len(buf):
        key, pos = varint(buf, pos)
        num, wt = key >> 3, key & 7
        if wt == 0:
            val, pos = varint(buf, pos)
        elif wt == 1:
            val, pos = buf[pos:pos + 8], pos + 8
        elif wt == 2:
            n, pos = varint(buf, pos)
            val, pos = buf[pos:pos + n], pos + n
        elif wt == 5:
            val, pos = buf[pos:pos + 4], pos + 4
        else:
            raise ValueError(f"protobuf wire type {wt} not supported")
        yield num, wt, val


def packed_ints(wt, val):
    if wt == 0:
        return [val]
    out, pos = [], 0
    while pos < len(val):
        v, pos = varint(val, pos)
        out.append(v - (1 << 64) if v >= 1 << 63 else v)
    return out


def parse_tensor(buf):
    """TensorProto: dims 1, data_type 2, float_data 4, name 8, raw_data 9."""
    dims, dtype, floats, name, raw = [], 0, [], "", None
    for num, wt, val in fields(buf):
        if num == 1:
            dims += packed_ints(wt, val)
        elif num == 2:
            dtype = val
        elif num == 4:
            floats += list(struct.unpack(f"<{len(val) // 4}f", val)) if wt == 2 else [struct.unpack("<f", val)[0]]
        elif num == 8:
            name = val.decode()
        elif num == 9:
            raw = val
    if dtype != 1:
        raise ValueError(f"initialiser {name}: data type {dtype}, only float (1) is read")
    data = np.frombuffer(raw, dtype="<f4") if raw is not None else np.array(floats, dtype=np.float32)
    return name, data.reshape(dims).astype(np.float32)


def parse_attribute(buf):
    """AttributeProto: name 1, f 2, i 3, s 4, ints 8."""
    name, value = "", None
    for num, wt, val in fields(buf):
        if num == 1:
            name = val.decode()
        elif num == 2:
            value = struct.unpack("<f", val)[0]
        elif num == 3:
            value = val - (1 << 64) if val >= 1 << 63 else val
        elif num == 4:
            value = val.decode()
        elif num == 8:
            value = (value or []) + packed_ints(wt, val)
    return name, value


def parse_node(buf):
    """NodeProto: input 1, output 2, name 3, op_type 4, attribute 5."""
    node = {"inputs": [], "outputs": [], "name": "", "op": "", "attrs": {}}
    for num, _, val in fields(buf):
        if num == 1:
            node["inputs"].append(val.decode())
        elif num == 2:
            node["outputs"].append(val.decode())
        elif num == 3:
            node["name"] = val.decode()
        elif num == 4:
            node["op"] = val.decode()
        elif num == 5:
            k, v = parse_attribute(val)
            node["attrs"][k] = v
    return node


def value_info_name(buf):
    for num, _, val in fields(buf):
        if num == 1:
            return val.decode()
    return ""


def load_onnx(path):
    """ModelProto.graph (7): node 1, initializer 5, input 11, output 12."""
    with open(path, "rb") as f:
        model = f.read()
    graph = next(val for num, _, val in fields(model) if num == 7)
    nodes, inits, inputs, outputs = [], {}, [], []
    for num, _, val in fields(graph):
        if num == 1:
            nodes.append(parse_node(val))
        elif num == 5:
            k, v = parse_tensor(val)
            inits[k] = v
        elif num == 11:
            inputs.append(value_info_name(val))
        elif num == 12:
            outputs.append(value_info_name(val))
    return nodes, inits, [i for i in inputs if i not in inits], outputs


# ----------------------------------------------------------------- the expected network
def refuse(msg):
    sys.exit(f"gen_cnn_demo: {msg}")


def layers(nodes, inits):
    """Check the node chain and return its weights."""
    ops = [n["op"] for n in nodes]
    want = ["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Flatten", "Gemm"]
    if ops != want:
        refuse(f"node chain {ops}, the demo implements {want}")
    for i in range(1, len(nodes)):
        if nodes[i]["inputs"][0] != nodes[i - 1]["outputs"][0]:
            refuse(f"node {nodes[i]['name']} does not take the previous node's output")
    convs = []
    for n in (nodes[0], nodes[3]):
        a = n["attrs"]
        w = inits[n["inputs"][1]]
        b = inits[n["inputs"][2]] if len(n["inputs"]) > 2 else np.zeros(w.shape[0], np.float32)
        if tuple(w.shape[2:]) != (3, 3) or list(a.get("pads", [0] * 4)) != [1, 1, 1, 1] or \
                list(a.get("strides", [1, 1])) != [1, 1] or list(a.get("dilations", [1, 1])) != [1, 1] or \
                a.get("group", 1) != 1:
            refuse(f"Conv {n['name']}: the demo implements 3x3, pad 1, stride 1, group 1 ({a})")
        convs.append((w, b))
    for n in (nodes[2], nodes[5]):
        a = n["attrs"]
        if list(a["kernel_shape"]) != [2, 2] or list(a.get("strides", [1, 1])) != [2, 2] or \
                list(a.get("pads", [0] * 4)) != [0] * 4 or a.get("ceil_mode", 0) != 0:
            refuse(f"MaxPool {n['name']}: the demo implements kernel 2, stride 2, no padding ({a})")
    g = nodes[7]
    a = g["attrs"]
    if a.get("transA", 0) != 0 or a.get("transB", 0) != 1 or a.get("alpha", 1.0) != 1.0 or a.get("beta", 1.0) != 1.0:
        refuse(f"Gemm {g['name']}: the demo implements transB=1, alpha=beta=1 ({a})")
    if nodes[6]["attrs"].get("axis", 1) != 1:
        refuse("Flatten: axis 1 only")
    fw, fb = inits[g["inputs"][1]], inits[g["inputs"][2]]
    return convs, (fw, fb)


def q(v):
    """q(v) = sat16(round_half_even(v * 2^f)), elementwise, exact."""
    scaled = np.asarray(v, dtype=np.float64) * (1 << FRAC)
    r = np.array([round(float(s)) for s in scaled.ravel()], dtype=np.int64).reshape(scaled.shape)
    return np.clip(r, -32768, 32767)


def float_forward(x, convs, fc):
    """The float network on one 1xHxW image (numpy, double), for the expected classes."""
    a = x.astype(np.float64)
    for w, b in convs:
        cout, cin, kh, kw = w.shape
        h, wd = a.shape[1], a.shape[2]
        p = np.zeros((cin, h + 2, wd + 2))
        p[:, 1:-1, 1:-1] = a
        y = np.zeros((cout, h, wd))
        for ky in range(kh):
            for kx in range(kw):
                y += np.einsum("oc,chw->ohw", w[:, :, ky, kx].astype(np.float64), p[:, ky:ky + h, kx:kx + wd])
        y += b.astype(np.float64)[:, None, None]
        y = np.maximum(y, 0)
        a = y.reshape(cout, h // 2, 2, wd // 2, 2).max(axis=(2, 4))
    return fc[0].astype(np.float64) @ a.ravel() + fc[1].astype(np.float64)


def carr(decl, values, per_line=16):
    """A C array definition with one brace level per dimension (-Wmissing-braces clean)."""
    a = np.asarray(values)

    def body(v, indent):
        if v.ndim == 1:
            flat = [str(int(x)) for x in v]
            lines = [", ".join(flat[i:i + per_line]) for i in range(0, len(flat), per_line)]
            return "{" + (",\n" + indent).join(lines) + "}"
        return "{" + (",\n" + indent).join(body(x, indent + " ") for x in v) + "}"

    return f"static const {decl} = {body(a, '  ')};\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("test_x")
    ap.add_argument("test_y")
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=64, help="images in the batch (the first N of the split)")
    a = ap.parse_args()
    nodes, inits, inputs, outputs = load_onnx(a.model)
    (w1, b1), (w2, b2) = layers(nodes, inits)[0]
    fw, fb = layers(nodes, inits)[1]
    tx, ty = np.load(a.test_x), np.load(a.test_y)
    n = min(a.count, len(tx))
    c0, h0, w0 = tx.shape[1:]
    c1, c2 = w1.shape[0], w2.shape[0]
    if w1.shape[1] != c0 or w2.shape[1] != c1 or h0 % 4 or w0 % 4:
        refuse("channel counts or map sizes do not chain")
    h2, ww2 = h0 // 4, w0 // 4
    n_out = fw.shape[0]
    if fw.shape[1] != c2 * h2 * ww2:
        refuse(f"Gemm takes {fw.shape[1]} inputs, the flattened map has {c2 * h2 * ww2}")
    images = q(tx[:n].reshape(n, -1))
    fpred = [int(np.argmax(float_forward(tx[i], [(w1, b1), (w2, b2)], (fw, fb)))) for i in range(n)]
    labels = [int(v) for v in ty[:n]]
    fcorrect = sum(int(p == l) for p, l in zip(fpred, labels))
    hdr = f"""/* generated by scripts/gen_cnn_demo.py from {a.model.split('/')[-1]}: do not edit.
 * {n} images of the test split, raw Q{15 - FRAC}.{FRAC} in ONNX order (C, H, W); weights
 * q(v) = sat16(rne(v * 2^{FRAC})). The float model classifies {fcorrect} of them correctly. */
#ifndef CNN_DEMO_DATA_H
#define CNN_DEMO_DATA_H
#include <stdint.h>
#define CNN_FRAC_BITS {FRAC}
#define CNN_INPUT_NAME "{inputs[0]}"
#define CNN_OUTPUT_NAME "{outputs[0]}"
#define CNN_N_IMAGES {n}
#define CNN_C0 {c0}
#define CNN_H0 {h0}
#define CNN_W0 {w0}
#define CNN_C1 {c1}
#define CNN_C2 {c2}
#define CNN_K 3
#define CNN_N_OUT {n_out}
#define CNN_IN_WORDS (CNN_C0 * CNN_H0 * CNN_W0)
#define CNN_FLOAT_CORRECT {fcorrect}
{carr(f"int16_t cnn_images[{n}][{c0 * h0 * w0}]", images)}
{carr(f"uint8_t cnn_labels[{n}]", labels)}
{carr(f"uint8_t cnn_float_class[{n}]", fpred)}
{carr(f"int16_t cnn_w1[{c1}][{c0}][3][3]", q(w1))}
{carr(f"int16_t cnn_b1[{c1}]", q(b1))}
{carr(f"int16_t cnn_w2[{c2}][{c1}][3][3]", q(w2))}
{carr(f"int16_t cnn_b2[{c2}]", q(b2))}
{carr(f"int16_t cnn_fw[{n_out}][{c2}][{h2}][{ww2}]", q(fw).reshape(n_out, c2, h2, ww2))}
{carr(f"int16_t cnn_fb[{n_out}]", q(fb))}
#endif
"""
    with open(a.out, "w") as f:
        f.write(hdr)
    print(f"gen_cnn_demo: {n} images, float model {fcorrect}/{n} correct -> {a.out}")


if __name__ == "__main__":
    main()
