// swift-tools-version:6.0
import PackageDescription
import Foundation


let package = Package(
  name: "tnsim",
  // MARK: - Products
  products: [
    .library(name: "TrueNorth", targets: ["TrueNorth"]),
    .library(name: "TrueNorthIO", targets: ["TrueNorthIO"]),
    .library(name: "TeaLearning", targets: ["TeaLearning"]),
    .library(name: "Deployment", targets: ["Deployment"]),
    .executable(name: "tnsim", targets: ["tnsim"]),
  ],
  // MARK: - Targets
  targets: [
    .target(name: "TrueNorth"),
    .target(name: "_TNSupport"),
    .target(name: "TrueNorthIO", dependencies: ["TrueNorth", "_TNSupport"]),
    .target(name: "TeaLearning", dependencies: ["_TNSupport"]),
    .target(name: "Deployment", dependencies: ["TrueNorth", "TrueNorthIO", "TeaLearning"]),
    .executableTarget(name: "tnsim", dependencies: ["TrueNorth", "TrueNorthIO", "TeaLearning", "Deployment"]),
    // The mutation fuzzer of every file reader (`make fuzz`, docs/robustness.md).
    .executableTarget(name: "tnsim-fuzz", dependencies: ["TrueNorth", "TrueNorthIO", "TeaLearning"]),
    // MARK: - Tests
    .testTarget(name: "TrueNorthTests", dependencies: ["TrueNorth", "TrueNorthIO"], exclude: ["Fixtures"]),
    .testTarget(name: "TeaLearningTests", dependencies: ["TeaLearning"]),
    .testTarget(name: "DeploymentTests", dependencies: ["Deployment", "TeaLearning", "TrueNorth", "TrueNorthIO"]),
    .testTarget(name: "tnsimTests", dependencies: ["tnsim"]),
  ]
)

// MARK: - MPI (optional)
// `TNSIM_MPI=1 swift build` (or `make mpi`) adds the MPI engine (docs/mpi.md): OpenMPI through a
// system library, a C shim of our own, and TNMPI; `tnsim` turns its MPI paths on with
// `#if canImport(TNMPI)`. Without the variable nothing here needs MPI installed.
if ProcessInfo.processInfo.environment["TNSIM_MPI"] == "1" {
  package.targets += [
    .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev"])]),
    .target(name: "_TNMPIShims", dependencies: ["CMPI"]),
    .target(name: "TNMPI", dependencies: ["_TNMPIShims", "TrueNorth", "TrueNorthIO", "TeaLearning"]),
  ]
  for target in package.targets where target.name == "tnsim" { target.dependencies.append("TNMPI") }
}
