#ifndef TNMPI_SHIMS_H
#define TNMPI_SHIMS_H
// What Swift cannot import from mpi.h (MPI_COMM_WORLD, MPI_BYTE, MPI_INT are macros over
// OpenMPI's globals), as plain C functions over MPI_COMM_WORLD. The header names no MPI type,
// so the Swift module that imports it does not import mpi.h.
//
// Every collective is started non-blocking and waited for with a deadline (`timeout` seconds):
// a wait that passes it returns TNMPI_TIMEOUT instead of hanging on a rank that died or hangs.
// Return codes: TNMPI_OK, TNMPI_TIMEOUT, or the MPI error code (> 0).

#include <stdint.h>

#define TNMPI_OK 0
#define TNMPI_TIMEOUT (-1)

/// Initialises MPI (funneled threads) with errors returned, not fatal; 0 or an MPI error code.
int tnmpi_init(void);
/// Whether MPI_Init ran and MPI_Finalize did not.
int tnmpi_active(void);
int tnmpi_rank(void);
int tnmpi_size(void);
/// MPI_Finalize.
int tnmpi_finalize(void);
/// MPI_Abort on MPI_COMM_WORLD: every rank ends with `code`.
void tnmpi_abort(int code);
/// On SIGTERM (how mpirun ends the ranks when another died or aborted), writes `message` to
/// standard error and exits with 143, so that the rank says why it ends.
void tnmpi_say_on_termination(const char *message);
/// The text of an MPI error code into `buffer` (NUL-terminated).
void tnmpi_error_string(int code, char *buffer, int length);

/// Every rank's `count` bytes, in rank order, into `recv` (size * count bytes).
int tnmpi_allgather(const void *send, int count, void *recv, double timeout);
/// Every rank's `count` bytes (its own count) into `recv` at `displs[r]`, `counts[r]` bytes.
int tnmpi_allgatherv(const void *send, int count, void *recv, const int *counts, const int *displs, double timeout);
/// One int to every rank: `send[r]` goes to rank r, `recv[r]` comes from rank r.
int tnmpi_alltoall_int(const int *send, int *recv, double timeout);
/// Bytes to every rank: `scounts[r]` bytes at `sdispls[r]` go to rank r; rank r's arrive at `rdispls[r]`.
int tnmpi_alltoallv(const void *send, const int *scounts, const int *sdispls, void *recv, const int *rcounts,
                    const int *rdispls, double timeout);
/// `count` bytes from `root` to every rank.
int tnmpi_bcast(void *buffer, int count, int root, double timeout);
/// Waits until every rank arrives.
int tnmpi_barrier(double timeout);

#endif
