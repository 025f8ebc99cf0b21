import TeaLearning

extension DeployedNetwork {
  /// The input values of an MNIST image, the images `deploy`, `eval` and `encode` feed a network.
  public static let mnistPixels = 28 * 28

  /// Refuses a topology the deployer cannot wire onto the chip: an output of a layer read by two
  /// axons (a TrueNorth neuron has one destination). `train` warns with it before training.
  /// - Throws: `DeploymentError.outputReadTwice` naming the output and both readers.
  public static func checkWiring(_ topology: Topology) throws(DeploymentError) {
    _ = try Wiring(topology)
  }

  /// Refuses a trained network whose input is not an MNIST image, before anything is deployed
  /// or written: the deployer encodes and classifies MNIST images.
  /// - Parameters:
  ///   - trained: the network read from `file`.
  ///   - file: the network file, named in the error.
  /// - Throws: `InputError` naming `file` and the network's input size.
  public static func checkReadsMNIST(_ trained: TrainedNetwork, file: String) throws(InputError) {
    let t = trained.network.topology
    guard t.inputSize == mnistPixels else {
      throw InputError(
        file: file, path: "input", field: "input", value: "\(t.inputRows) x \(t.inputColumns)", allowed: "28 x 28",
        message: "is \(t.inputRows) x \(t.inputColumns) = \(t.inputSize) values; deploy, eval and encode feed MNIST images of 28 x 28 = \(mnistPixels) pixels")
    }
  }
}
