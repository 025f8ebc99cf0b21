/// A spike from outside the chip: delivered to axon `axon` of core `core` (linear id, row-major
/// over the board: `ChipDefinition.coreID(x:y:)`), integrated in tick `tick`.
public struct InputSpike: Sendable, Hashable, Comparable {
  public var tick: Int64
  public var core: Int32
  public var axon: Int32

  public init(tick: Int64, core: Int32, axon: Int32) {
    self.tick = tick
    self.core = core
    self.axon = axon
  }

  public static func < (a: InputSpike, b: InputSpike) -> Bool {
    (a.tick, a.core, a.axon) < (b.tick, b.core, b.axon)
  }
}

/// A spike fired by neuron `neuron` of core `core` (linear id) in tick `tick`; `pin` is the output
/// pin it was sent to, or -1 when the neuron sends to an axon (or nowhere) and the spike was
/// recorded because every spike is recorded.
public struct OutputSpike: Sendable, Hashable, Comparable {
  public var tick: Int64
  public var core: Int32
  public var neuron: Int32
  public var pin: Int32

  public init(tick: Int64, core: Int32, neuron: Int32, pin: Int32 = -1) {
    self.tick = tick
    self.core = core
    self.neuron = neuron
    self.pin = pin
  }

  public static func < (a: OutputSpike, b: OutputSpike) -> Bool {
    (a.tick, a.core, a.neuron) < (b.tick, b.core, b.neuron)
  }
}
