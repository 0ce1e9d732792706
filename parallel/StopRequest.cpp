#include "parallel/StopRequest.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mfg::parallel {

namespace {

// A signal handler cannot reach an object, so the one thing it records lives here; it is only
// ever written by the handler and read by StopRequest.
volatile std::sig_atomic_t g_received_signal = 0;
volatile std::sig_atomic_t g_deadline_seconds = 0;

extern "C" void recordSignal(int sig) {
  if (g_received_signal == 0 && g_deadline_seconds > 0) alarm(static_cast<unsigned>(g_deadline_seconds));
  g_received_signal = sig;
}

}  // namespace

StopRequest::StopRequest() {
  g_received_signal = 0;
  g_deadline_seconds = 0;
  struct sigaction action {};
  action.sa_handler = recordSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // blocking calls (file I/O, MPI progress) continue after the handler
  if (sigaction(SIGUSR1, &action, &previous_usr1_) != 0 || sigaction(SIGTERM, &action, &previous_term_) != 0)
    throw std::runtime_error("cannot install the SIGUSR1/SIGTERM handlers");
}

void StopRequest::setDeadline(unsigned seconds) {
  g_deadline_seconds = static_cast<std::sig_atomic_t>(seconds);
  if (seconds == 0) alarm(0);  // past the last boundary: nothing may cut the final writes short
}

unsigned StopRequest::deadlineFor(double longest_interval_seconds) {
  return static_cast<unsigned>(std::max(5.0, std::ceil(3.0 * longest_interval_seconds)));
}

StopRequest::~StopRequest() {
  alarm(0);
  g_deadline_seconds = 0;
  sigaction(SIGUSR1, &previous_usr1_, nullptr);
  sigaction(SIGTERM, &previous_term_, nullptr);
}

StopRequest::Decision StopRequest::agree(MPI_Comm comm, bool also_stop) const {
  // Read the handler's record once: a signal arriving between two reads could otherwise give a
  // rank a stop flag and a signal number that disagree.
  const int received = static_cast<int>(g_received_signal);
  int local[2] = {(received != 0 || also_stop) ? 1 : 0, received}, any[2] = {0, 0};
  MPI_Allreduce(local, any, 2, MPI_INT, MPI_MAX, comm);
  return {any[0] != 0, any[1]};
}

}  // namespace mfg::parallel
