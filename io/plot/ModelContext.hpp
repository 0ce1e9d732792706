#pragma once
// What the plots know about the model behind a result file: its shapes, the values of its
// actions (for labelled axes), and model annotations such as beach_bar's bar and the time at which
// the bar may close. The model is rebuilt from the file's attributes (model name, /parameters),
// so the annotations come from the model itself rather than from constants copied here.
#include <memory>
#include <string>
#include <vector>

#include "io/plot/Charts.hpp"
#include "io/plot/ResultData.hpp"
#include "solver/models/Model.hpp"

namespace mfg::io::plot {

struct ModelContext {
  std::string name;                       ///< "" when the file does not say
  std::unique_ptr<Model> model;           ///< nullptr when it cannot be rebuilt (unknown name, bad parameters)
  std::vector<std::int64_t> state_shape;  ///< from the file (never empty)
  std::vector<std::int64_t> action_shape;
  std::size_t states = 1, actions = 1;    ///< flat counts
  /// Action axis: the value of action index 0 and the step between consecutive actions, and its
  /// label; index 0, 1, ... when the model gives no evenly spaced values.
  double action_first = 0, action_step = 1;
  std::string action_label = "action index";
  std::string state_label = "state index";
};

/// Reads the model's identity and shapes from `file` (attributes model, state_shape, action_shape
/// and group /parameters); InputError when the shapes are missing or invalid.
ModelContext readModelContext(const ResultFile& file);

/// Annotations on a time × state heatmap of one noise path z_0..z_T (rows of `z`; empty for models
/// without common noise): beach_bar's bar (horizontal), the steps where the common noise may
/// branch, e.g. the bar's possible closure, and the step where it did close on this path.
std::vector<Marker> flowMarkers(const ModelContext& context, const std::vector<std::vector<double>>& z);
/// Annotations on a state axis drawn horizontally (policy and gap plots): beach_bar's bar.
std::vector<Marker> stateMarkers(const ModelContext& context, const std::vector<std::vector<double>>& z);

}  // namespace mfg::io::plot
