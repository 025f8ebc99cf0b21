#include "_TNMPIShims.h"
#include <mpi.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char termination_message[512];

static void on_termination(int signal) {
  (void)signal;
  ssize_t ignored = write(2, termination_message, strlen(termination_message));
  (void)ignored;
  _exit(143);
}

void tnmpi_say_on_termination(const char *message) {
  strncpy(termination_message, message, sizeof termination_message - 1);
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = on_termination;
  sigaction(SIGTERM, &action, NULL);
}

int tnmpi_init(void) {
  int provided = 0;
  int rc = MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
  if (rc != MPI_SUCCESS) return rc;
  return MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

int tnmpi_active(void) {
  int initialized = 0, finalized = 0;
  MPI_Initialized(&initialized);
  MPI_Finalized(&finalized);
  return initialized && !finalized;
}

int tnmpi_rank(void) {
  int r = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &r);
  return r;
}

int tnmpi_size(void) {
  int n = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &n);
  return n;
}

// Once this rank is done, or ends the job itself, the termination message would mislead.
int tnmpi_finalize(void) {
  signal(SIGTERM, SIG_DFL);
  return MPI_Finalize();
}

void tnmpi_abort(int code) {
  signal(SIGTERM, SIG_DFL);
  MPI_Abort(MPI_COMM_WORLD, code);
}

void tnmpi_error_string(int code, char *buffer, int length) {
  char text[MPI_MAX_ERROR_STRING];
  int n = 0;
  if (length <= 0) return;
  if (MPI_Error_string(code, text, &n) != MPI_SUCCESS) n = 0;
  if (n >= length) n = length - 1;
  memcpy(buffer, text, (size_t)n);
  buffer[n] = 0;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

// Polls the request until it completes or the deadline passes. It spins briefly (a tick's
// exchange usually completes within microseconds), then sleeps in growing steps up to 1 ms so
// that ranks sharing a processor leave it to the rank that still computes.
static int wait_bounded(MPI_Request *request, double timeout) {
  double deadline = now() + timeout;
  long pause = 1000;  // ns
  for (int spins = 0;; spins++) {
    int done = 0;
    int rc = MPI_Test(request, &done, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS) return rc;
    if (done) return TNMPI_OK;
    if (spins < 200) continue;
    if (now() > deadline) return TNMPI_TIMEOUT;
    struct timespec t = {0, pause};
    nanosleep(&t, NULL);
    if (pause < 1000000) pause *= 2;
  }
}

int tnmpi_allgather(const void *send, int count, void *recv, double timeout) {
  MPI_Request r;
  int rc = MPI_Iallgather(send, count, MPI_BYTE, recv, count, MPI_BYTE, MPI_COMM_WORLD, &r);
  return rc != MPI_SUCCESS ? rc : wait_bounded(&r, timeout);
}

int tnmpi_allgatherv(const void *send, int count, void *recv, const int *counts, const int *displs, double timeout) {
  MPI_Request r;
  int rc = MPI_Iallgatherv(send, count, MPI_BYTE, recv, counts, displs, MPI_BYTE, MPI_COMM_WORLD, &r);
  return rc != MPI_SUCCESS ? rc : wait_bounded(&r, timeout);
}

int tnmpi_alltoall_int(const int *send, int *recv, double timeout) {
  MPI_Request r;
  int rc = MPI_Ialltoall(send, 1, MPI_INT, recv, 1, MPI_INT, MPI_COMM_WORLD, &r);
  return rc != MPI_SUCCESS ? rc : wait_bounded(&r, timeout);
}

int tnmpi_alltoallv(const void *send, const int *scounts, const int *sdispls, void *recv, const int *rcounts,
                    const int *rdispls, double timeout) {
  MPI_Request r;
  int rc = MPI_Ialltoallv(send, scounts, sdispls, MPI_BYTE, recv, rcounts, rdispls, MPI_BYTE, MPI_COMM_WORLD, &r);
  return rc != MPI_SUCCESS ? rc : wait_bounded(&r, timeout);
}

int tnmpi_bcast(void *buffer, int count, int root, double timeout) {
  MPI_Request r;
  int rc = MPI_Ibcast(buffer, count, MPI_BYTE, root, MPI_COMM_WORLD, &r);
  return rc != MPI_SUCCESS ? rc : wait_bounded(&r, timeout);
}

int tnmpi_barrier(double timeout) {
  MPI_Request r;
  int rc = MPI_Ibarrier(MPI_COMM_WORLD, &r);
  return rc != MPI_SUCCESS ? rc : wait_bounded(&r, timeout);
}
