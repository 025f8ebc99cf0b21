import Foundation

/// A chip or board: the grid of cores, the size of a core, the bit widths of every neuron field,
/// and the costs the routing and energy models use. Loaded from a JSON file in `chipdefs/`
/// (documented in docs/chipdefs.md); every range check on a model comes from here.
public struct ChipDefinition: Sendable, Equatable {
  /// Short name, e.g. `truenorth`; models refer to a chip by it.
  public var name: String
  public var summary: String
  /// Chips in the board along x and y (1 x 1 for a single chip).
  public var chipsX: Int
  public var chipsY: Int
  /// Cores of one chip along x and y.
  public var coresPerChipX: Int
  public var coresPerChipY: Int
  public var axonsPerCore: Int
  public var neuronsPerCore: Int
  public var axonTypes: Int
  /// Largest axon delay in ticks (the smallest is 1).
  public var maxDelay: Int
  /// Real-time tick period in seconds (1 ms on TrueNorth).
  public var tickSeconds: Double
  /// Output pins a neuron can send to (pin numbers 0..<outputPins).
  public var outputPins: Int
  public var bits: Bits
  public var routing: Routing
  public var energy: Energy

  /// Bit widths of the neuron and routing fields.
  public struct Bits: Sendable, Equatable {
    /// Synaptic weights s^G: sign + magnitude, e.g. 9 bits = -255...255.
    public var weight: Int
    /// Leak lambda: sign + magnitude.
    public var leak: Int
    /// Positive threshold alpha: unsigned.
    public var threshold: Int
    /// Negative threshold beta: unsigned.
    public var negativeThreshold: Int
    /// Reset potential R: sign + magnitude.
    public var resetPotential: Int
    /// Membrane potential V: two's complement; V saturates at its bounds.
    public var potential: Int
    /// Largest threshold-mask width TM.
    public var thresholdMask: Int
    /// Routing offsets dx, dy: sign + magnitude.
    public var offset: Int
  }

  /// Costs of the cycle-level routing model (modelled, not measured: see docs/chipdefs.md).
  public struct Routing: Sendable, Equatable {
    /// Modelled clock of routers and core controllers, in Hz.
    public var clockHz: Double
    public var routerCyclesPerHop: Int
    public var coreCyclesPerNeuron: Int
    public var coreCyclesPerSynapticEvent: Int
    /// Spikes per second one chip-to-chip link carries.
    public var chipLinkSpikesPerSecond: Double
    /// Bits per spike packet on a chip-to-chip link.
    public var chipLinkBitsPerSpike: Int
  }

  /// Coefficients of the energy estimate.
  public struct Energy: Sendable, Equatable {
    public var synapticEventJoules: Double
    public var spikeHopJoules: Double
    public var chipLinkBitJoules: Double
    public var neuronUpdateJoules: Double
    /// Static (leakage and clock) power of one chip, in watts.
    public var staticWattsPerChip: Double
  }

  // MARK: Derived geometry and ranges

  /// Cores along x over the whole board.
  public var width: Int { chipsX * coresPerChipX }
  /// Cores along y over the whole board.
  public var height: Int { chipsY * coresPerChipY }
  public var coreCount: Int { width * height }
  public var chipCount: Int { chipsX * chipsY }

  public var weightRange: ClosedRange<Int> { Self.signMagnitude(bits.weight) }
  public var leakRange: ClosedRange<Int> { Self.signMagnitude(bits.leak) }
  public var thresholdRange: ClosedRange<Int> { 0...((1 << bits.threshold) - 1) }
  public var negativeThresholdRange: ClosedRange<Int> { 0...((1 << bits.negativeThreshold) - 1) }
  public var resetPotentialRange: ClosedRange<Int> { Self.signMagnitude(bits.resetPotential) }
  public var potentialRange: ClosedRange<Int> { -(1 << (bits.potential - 1))...((1 << (bits.potential - 1)) - 1) }
  public var thresholdMaskRange: ClosedRange<Int> { 0...bits.thresholdMask }
  public var offsetRange: ClosedRange<Int> { Self.signMagnitude(bits.offset) }
  public var delayRange: ClosedRange<Int> { 1...maxDelay }

  static func signMagnitude(_ bits: Int) -> ClosedRange<Int> {
    let m = (1 << (bits - 1)) - 1
    return -m...m
  }

  /// The linear id of the core at (x, y): row-major, x fastest, over the whole board.
  public func coreID(x: Int, y: Int) -> Int { y * width + x }
  /// The (x, y) of a linear core id.
  public func coordinates(ofCore id: Int) -> (x: Int, y: Int) { (id % width, id / width) }
  /// The chip (cx, cy) that holds the core at (x, y).
  public func chip(x: Int, y: Int) -> (x: Int, y: Int) { (x / coresPerChipX, y / coresPerChipY) }
}

// MARK: - Loading

extension ChipDefinition {
  /// Reads a chip definition from JSON text.
  /// - Throws: `InputError` naming the file, line, field and allowed values.
  public static func parse(_ bytes: [UInt8], file: String) throws(InputError) -> ChipDefinition {
    let root = try JSONCursor.parse(bytes, file: file)
    try root.rejectUnknownKeys([
      "format", "version", "name", "description", "chips", "coresPerChip", "axonsPerCore", "neuronsPerCore",
      "axonTypes", "maxDelay", "tickSeconds", "outputPins", "bits", "routing", "energy",
    ])
    let format = try root.required("format")
    guard try format.string() == "tnsim-chip" else { throw format.fail("expected \"tnsim-chip\"") }
    _ = try root.required("version").int(in: 1...1)
    let chips = try root.required("chips").ints(in: 1...64, count: 2)
    let perChip = try root.required("coresPerChip").ints(in: 1...4096, count: 2)
    let b = try root.required("bits")
    try b.rejectUnknownKeys([
      "weight", "leak", "threshold", "negativeThreshold", "resetPotential", "potential", "thresholdMask", "offset",
    ])
    let bits = Bits(
      weight: try b.required("weight").int(in: 2...16),
      leak: try b.required("leak").int(in: 2...16),
      threshold: try b.required("threshold").int(in: 1...30),
      negativeThreshold: try b.required("negativeThreshold").int(in: 1...30),
      resetPotential: try b.required("resetPotential").int(in: 2...31),
      potential: try b.required("potential").int(in: 8...31),
      thresholdMask: try b.required("thresholdMask").int(in: 0...30),
      offset: try b.required("offset").int(in: 2...16))
    let r = try root.required("routing")
    try r.rejectUnknownKeys([
      "clockHz", "routerCyclesPerHop", "coreCyclesPerNeuron", "coreCyclesPerSynapticEvent",
      "chipLinkSpikesPerSecond", "chipLinkBitsPerSpike",
    ])
    let routing = Routing(
      clockHz: try r.required("clockHz").positiveDouble(),
      routerCyclesPerHop: try r.required("routerCyclesPerHop").int(in: 1...1_000_000),
      coreCyclesPerNeuron: try r.required("coreCyclesPerNeuron").int(in: 0...1_000_000),
      coreCyclesPerSynapticEvent: try r.required("coreCyclesPerSynapticEvent").int(in: 0...1_000_000),
      chipLinkSpikesPerSecond: try r.required("chipLinkSpikesPerSecond").positiveDouble(),
      chipLinkBitsPerSpike: try r.required("chipLinkBitsPerSpike").int(in: 1...1024))
    let e = try root.required("energy")
    try e.rejectUnknownKeys([
      "synapticEventJoules", "spikeHopJoules", "chipLinkBitJoules", "neuronUpdateJoules", "staticWattsPerChip",
    ])
    let energy = Energy(
      synapticEventJoules: try e.required("synapticEventJoules").nonNegativeDouble(),
      spikeHopJoules: try e.required("spikeHopJoules").nonNegativeDouble(),
      chipLinkBitJoules: try e.required("chipLinkBitJoules").nonNegativeDouble(),
      neuronUpdateJoules: try e.required("neuronUpdateJoules").nonNegativeDouble(),
      staticWattsPerChip: try e.required("staticWattsPerChip").nonNegativeDouble())
    let def = ChipDefinition(
      name: try root.required("name").string(),
      summary: try root.optional("description")?.string() ?? "",
      chipsX: chips[0], chipsY: chips[1],
      coresPerChipX: perChip[0], coresPerChipY: perChip[1],
      axonsPerCore: try root.required("axonsPerCore").int(in: 1...256),
      neuronsPerCore: try root.required("neuronsPerCore").int(in: 1...256),
      axonTypes: try root.required("axonTypes").int(in: 1...4),
      maxDelay: try root.required("maxDelay").int(in: 1...15),
      tickSeconds: try root.required("tickSeconds").positiveDouble(),
      outputPins: try root.required("outputPins").int(in: 0...(1 << 24)),
      bits: bits, routing: routing, energy: energy)
    guard def.coreCount <= 1 << 22 else {
      throw root.fail("the board has \(def.coreCount) cores; at most \(1 << 22) are supported")
    }
    return def
  }

  /// Loads a chip definition file.
  public static func load(path: String) throws(InputError) -> ChipDefinition {
    try parse(try readFile(path), file: path)
  }

  /// Resolves a chip reference: a path to a file, or a name looked up as `NAME.json` in, in
  /// order, the directory `relativeTo`, each directory of `$TNSIM_CHIPDEFS` (colon-separated),
  /// `./chipdefs`, and the `chipdefs/` folder of the tnsim checkout the executable was built in.
  public static func resolve(_ reference: String, relativeTo directory: String? = nil) throws(InputError)
    -> ChipDefinition
  {
    for candidate in candidatePaths(reference, relativeTo: directory)
    where FileManager.default.fileExists(atPath: candidate) {
      return try load(path: candidate)
    }
    throw InputError(
      file: reference,
      message: "no chip definition found (looked for a file of that name and for \(reference).json in "
        + "the model's folder, $TNSIM_CHIPDEFS, ./chipdefs and the checkout's chipdefs/); "
        + "use --chip PATH or one of: \(builtinNames.joined(separator: ", "))")
  }

  /// The names of the definitions shipped in `chipdefs/`.
  public static let builtinNames = ["truenorth", "ns1e", "ns16e", "tiny"]

  static func candidatePaths(_ reference: String, relativeTo directory: String?) -> [String] {
    var paths: [String] = []
    let isPath = reference.contains("/") || reference.hasSuffix(".json")
    if isPath {
      if reference.hasPrefix("/") { return [reference] }
      if let directory { paths.append(directory + "/" + reference) }
      paths.append(reference)
      return paths
    }
    let file = reference + ".json"
    if let directory { paths.append(directory + "/" + file) }
    if let env = ProcessInfo.processInfo.environment["TNSIM_CHIPDEFS"] {
      for dir in env.split(separator: ":") { paths.append(String(dir) + "/" + file) }
    }
    paths.append("chipdefs/" + file)
    // The executable lives in <checkout>/.build/<config>/tnsim; walk up to find chipdefs/.
    var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
      .deletingLastPathComponent()
    for _ in 0..<5 {
      paths.append(dir.appendingPathComponent("chipdefs").appendingPathComponent(file).path)
      dir = dir.deletingLastPathComponent()
    }
    return paths
  }
}

extension JSONCursor {
  func positiveDouble() throws(InputError) -> Double {
    let v = try double()
    guard v > 0, v.isFinite else { throw fail("value \(v) must be a positive number") }
    return v
  }

  func nonNegativeDouble() throws(InputError) -> Double {
    let v = try double()
    guard v >= 0, v.isFinite else { throw fail("value \(v) must be zero or a positive number") }
    return v
  }
}

/// Reads a whole file, or throws an `InputError` naming it.
public func readFile(_ path: String) throws(InputError) -> [UInt8] {
  guard let data = FileManager.default.contents(atPath: path) else {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
      throw InputError(file: path, message: isDirectory.boolValue ? "is a directory, not a file" : "cannot be read")
    }
    throw InputError(file: path, message: "no such file")
  }
  return [UInt8](data)
}
