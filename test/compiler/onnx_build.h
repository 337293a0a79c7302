// ONNX models built through the protobuf API, for the front-end and graph-pass tests.
#pragma once

#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include "compiler/model.h"

namespace pumavp::compiler_test {

inline std::string expect_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const compiler::CompileError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a CompileError";
  return "";
}

inline void add_init(onnx::GraphProto& g, const std::string& name, std::vector<int64_t> dims, const std::vector<double>& v,
                     bool raw = true) {
  auto* t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  for (auto d : dims) t->add_dims(d);
  if (raw) {
    std::string bytes(v.size() * 4, '\0');
    for (size_t i = 0; i < v.size(); ++i) {
      float f = float(v[i]);
      std::memcpy(&bytes[i * 4], &f, 4);
    }
    t->set_raw_data(bytes);
  } else {
    for (double x : v) t->add_float_data(float(x));
  }
}

inline void add_int_init(onnx::GraphProto& g, const std::string& name, std::vector<int64_t> dims,
                         const std::vector<int64_t>& v) {
  auto* t = g.add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  for (auto d : dims) t->add_dims(d);
  for (int64_t x : v) t->add_int64_data(x);
}

inline onnx::NodeProto* add_node(onnx::GraphProto& g, const std::string& op, const std::string& name,
                                 std::vector<std::string> in, const std::string& out) {
  auto* n = g.add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (auto& s : in) n->add_input(s);
  n->add_output(out);
  return n;
}

inline void set_int_attr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}
inline void set_ints_attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}
inline void set_float_attr(onnx::NodeProto* n, const std::string& name, float v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::FLOAT);
  a->set_f(v);
}

// One graph input of shape `dims` and one output.
inline void set_io_shape(onnx::GraphProto& g, const std::string& in, const std::vector<int64_t>& dims, const std::string& out) {
  auto* vi = g.add_input();
  vi->set_name(in);
  auto* tt = vi->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
  g.add_output()->set_name(out);
}
inline void set_io(onnx::GraphProto& g, const std::string& in, int64_t n, const std::string& out) {
  set_io_shape(g, in, {1, n}, out);
}

inline std::string serialize(const onnx::ModelProto& m) {
  std::string s;
  m.SerializeToString(&s);
  return s;
}

// Values rounded to float, as ONNX stores them.
inline std::vector<double> as_float(const std::vector<double>& v) {
  std::vector<double> r(v.size());
  for (size_t i = 0; i < v.size(); ++i) r[i] = double(float(v[i]));
  return r;
}

}  // namespace pumavp::compiler_test
