// OpenMPI's C interface (Debian: libopenmpi-dev); found through pkg-config `ompi-c`.
#include <mpi.h>
