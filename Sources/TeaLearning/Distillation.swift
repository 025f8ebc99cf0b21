/// Knowledge distillation (Hinton, Vinyals and Dean 2015): the loss also pulls the network's
/// class outputs toward those of a trained teacher (say an ensemble written by `tnsim ensemble`)
/// on the same, augmented, training images. Per sample the loss is `(1 - weight)` times the loss
/// on the label plus `weight * T^2` times the same loss on the teacher's soft targets at
/// temperature `T`: with the Gaussian loss each class's target is the teacher's Phi(z / T) and the
/// network's output Phi(z / T) (a binary cross-entropy per class); with the softmax loss the
/// teacher's softmax at temperature T against the network's. The teacher only runs forward.
public struct Distillation: Sendable, Equatable, Codable {
  /// The teacher's network file.
  public var teacher: String
  /// The weight of the teacher's term, in [0, 1]; the label's term has `1 - weight`.
  public var weight: Double = 0.5
  /// The temperature T (> 0) of both the teacher's targets and the network's outputs.
  public var temperature: Double = 1

  /// Distillation from the network file `teacher`.
  public init(teacher: String, weight: Double = 0.5, temperature: Double = 1) {
    self.teacher = teacher
    self.weight = weight
    self.temperature = temperature
  }
}

/// A loaded teacher with its distillation settings, as the gradient engines take it.
public struct Teacher: Sendable {
  /// The teacher's shadow network (any topology of the same input and classes).
  public var network: ShadowNetwork
  /// The weight of the teacher's term.
  public var weight: Double
  /// The temperature.
  public var temperature: Double

  /// A teacher from its parts.
  public init(network: ShadowNetwork, weight: Double, temperature: Double) {
    self.network = network
    self.weight = weight
    self.temperature = temperature
  }

  /// Loads the teacher `settings` names and checks it can teach a network of `topology`.
  /// - Throws: `InputError` naming the teacher's file when it cannot be read, reads another input
  ///   size or has other classes.
  public static func load(_ settings: Distillation, for topology: Topology) throws(InputError) -> Teacher {
    let network = try TrainedNetwork.read(from: settings.teacher).network
    let t = network.topology
    guard t.inputRows == topology.inputRows, t.inputColumns == topology.inputColumns else {
      throw InputError(
        file: settings.teacher, path: "input",
        message: "is \(t.inputRows) x \(t.inputColumns); the network to train reads \(topology.inputRows) x \(topology.inputColumns)")
    }
    guard t.classes == topology.classes else {
      throw InputError(file: settings.teacher, path: "readout.classes", message: "is \(t.classes); the network to train has \(topology.classes)")
    }
    return Teacher(network: network, weight: settings.weight, temperature: settings.temperature)
  }
}
