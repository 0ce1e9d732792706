#include "solver/irl/RewardTableModel.hpp"

#include <stdexcept>

namespace mfg::irl {

RewardTableModel::RewardTableModel(const Model& base) : Model(base.parameters()), base_(base) {
  if (base.noise() != nullptr) throw std::invalid_argument("inverse RL needs a model without common noise");
}

void RewardTableModel::setTable(std::vector<std::vector<double>> table, std::int64_t first) {
  if (static_cast<int>(table.size()) != numSteps())
    throw std::invalid_argument("reward table: one slice per decision step is needed");
  table_ = std::move(table);
  first_ = first;
}

double RewardTableModel::reward(const MeanFieldView& v, std::int64_t s, std::int64_t a) const {
  const auto& slice = table_.at(static_cast<std::size_t>(v.t));
  const auto i = static_cast<std::size_t>((s - first_) * numActions() + a);
  if (s < first_ || i >= slice.size()) throw std::out_of_range("reward table: state outside the table's rows");
  return slice[i];
}

void RewardTableModel::rewardBlock(const MeanFieldView& v, std::int64_t first, std::int64_t last, double* out) const {
  const auto& slice = table_.at(static_cast<std::size_t>(v.t));
  const std::int64_t A = numActions();
  if (first < first_ || static_cast<std::size_t>((last - first_) * A) > slice.size())
    throw std::out_of_range("reward table: states outside the table's rows");
  std::copy(slice.begin() + (first - first_) * A, slice.begin() + (last - first_) * A, out);
}

}  // namespace mfg::irl
