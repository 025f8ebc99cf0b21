// swift-tools-version:6.0
// A package that uses tnsim as a library (README, "Using tnsim as a library"): it depends on the
// checkout by path; from elsewhere use `.package(url: "https://.../tnsim.git", branch: "main")`.
import PackageDescription

let package = Package(
  name: "tnsim-client",
  // MARK: - Dependencies
  dependencies: [
    .package(name: "tnsim", path: "../.."),
  ],
  // MARK: - Targets
  targets: [
    .executableTarget(
      name: "tnsim-client",
      dependencies: [
        .product(name: "TrueNorth", package: "tnsim"),
        .product(name: "TrueNorthIO", package: "tnsim"),
        .product(name: "TeaLearning", package: "tnsim"),
        .product(name: "Deployment", package: "tnsim"),
      ]),
  ]
)
