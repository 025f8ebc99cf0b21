import TrueNorth

/// The output-bus core an IBM `model.json` gives each neuron that sends off the chip (`destCore`
/// < 0 with `destAxon` >= 0; docs/interop.md): NSCS's and pytruenorth's `NEURON_DEST_OUT`, -32,
/// unless the file states another value. A tnsim `Model` holds only the pin (`destAxon`), so the
/// import keeps the core here, the export writes it back, and the RAWO6 writer puts it in field 3.
public struct IBMOutputBus: Sendable, Equatable {
  /// The output-bus core of NSCS and pytruenorth (`NEURON_DEST_OUT`).
  public static let defaultCore: Int32 = -32

  /// A neuron by linear core id and index.
  public struct Neuron: Sendable, Hashable {
    /// The linear core id (row-major, x fastest).
    public var core: Int
    /// The neuron's index in its core.
    public var neuron: Int
  }

  /// The neurons whose output-bus core is not `defaultCore`, with theirs.
  public private(set) var cores: [Neuron: Int32] = [:]

  /// Every neuron on `defaultCore`.
  public init() {}

  /// The output-bus core of neuron `neuron` of core `core` (linear id).
  public subscript(core core: Int, neuron neuron: Int) -> Int32 {
    get { cores[Neuron(core: core, neuron: neuron)] ?? Self.defaultCore }
    set { cores[Neuron(core: core, neuron: neuron)] = newValue == Self.defaultCore ? nil : newValue }
  }

  /// Whether every neuron uses `defaultCore`.
  public var isDefault: Bool { cores.isEmpty }
}

/// Where each neuron of a model sends its spikes, as RAWO6 fields 3 and 4 name it
/// (docs/interop.md, "RAWO6 layouts"): a spike to pin p goes to (output-bus core, p), a spike to
/// an axon to (the linear id of the axon's core, the axon), a neuron without a destination (or
/// not in the model) to (-1, -1).
public struct RAWO6Destinations: Sendable {
  /// Linear core id -> index of the core's first neuron in `fields`.
  let firstNeuron: [Int: Int]
  /// (destination core, destination axon) of every neuron of every core, core after core.
  let fields: [(core: Int32, axon: Int32)]
  let outputBus: IBMOutputBus
  /// Neurons per core of the model's chip.
  let neuronsPerCore: Int

  /// The destinations `model` gives its neurons, pins on the cores of `outputBus`.
  /// - Complexity: O(neurons of the model), once per writer.
  public init(model: Model, outputBus: IBMOutputBus = IBMOutputBus()) {
    let chip = model.chip
    var first: [Int: Int] = [:]
    var fields: [(core: Int32, axon: Int32)] = []
    fields.reserveCapacity(model.cores.count * chip.neuronsPerCore)
    for core in model.cores {
      let id = chip.coreID(x: core.x, y: core.y)
      first[id] = fields.count
      for (j, n) in core.neurons.enumerated() {
        switch n.destination {
        case .none: fields.append((-1, -1))
        case .pin(let p): fields.append((outputBus[core: id, neuron: j], p))
        case .axon(let dx, let dy, let axon, _):
          fields.append((Int32(truncatingIfNeeded: chip.coreID(x: core.x + Int(dx), y: core.y + Int(dy))), axon))
        }
      }
    }
    firstNeuron = first
    self.fields = fields
    self.outputBus = outputBus
    neuronsPerCore = chip.neuronsPerCore
  }

  /// RAWO6 fields 3 and 4 of `spike`: its pin on its neuron's output-bus core when it has one,
  /// else the destination the model gives its neuron, else (-1, -1).
  public func fields(of spike: OutputSpike) -> (core: Int32, axon: Int32) {
    if spike.pin >= 0 { return (outputBus[core: Int(spike.core), neuron: Int(spike.neuron)], spike.pin) }
    guard let k = firstNeuron[Int(spike.core)], (0..<neuronsPerCore).contains(Int(spike.neuron)), k + Int(spike.neuron) < fields.count
    else { return (-1, -1) }
    return fields[k + Int(spike.neuron)]
  }

  /// Fields 3 and 4 without a model: (-32, pin) for a spike to a pin, else (-1, -1).
  static func fieldsWithoutModel(_ spike: OutputSpike) -> (core: Int32, axon: Int32) {
    spike.pin >= 0 ? (IBMOutputBus.defaultCore, spike.pin) : (-1, -1)
  }
}
