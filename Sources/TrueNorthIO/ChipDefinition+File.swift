import Foundation
import TrueNorth

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
    let bits = try parseBits(try root.required("bits"))
    let routing = try parseRouting(try root.required("routing"))
    let energy = try parseEnergy(try root.required("energy"))
    let def = ChipDefinition(
      name: try root.required("name").string(),
      summary: try root.optional("description")?.string() ?? "",
      chipsX: chips[0], chipsY: chips[1],
      coresPerChipX: perChip[0], coresPerChipY: perChip[1],
      axonsPerCore: try root.required("axonsPerCore").int(in: 1...256),
      neuronsPerCore: try root.required("neuronsPerCore").int(in: 1...256),
      axonTypes: try root.required("axonTypes").int(in: 1...4),
      maxDelay: try root.required("maxDelay").int(in: 1...15),
      tickSeconds: try root.required("tickSeconds").positiveDouble(atMost: 3600),
      outputPins: try root.required("outputPins").int(in: 0...(1 << 24)),
      bits: bits, routing: routing, energy: energy)
    guard def.coreCount <= 1 << 22 else {
      throw root.fail("the board has \(def.coreCount) cores; at most \(1 << 22) are supported")
    }
    return def
  }

  /// The `bits` object: the width of every neuron field.
  static func parseBits(_ b: JSONCursor) throws(InputError) -> Bits {
    try b.rejectUnknownKeys([
      "weight", "leak", "threshold", "negativeThreshold", "resetPotential", "potential", "thresholdMask", "offset",
    ])
    return Bits(
      weight: try b.required("weight").int(in: 2...16),
      leak: try b.required("leak").int(in: 2...16),
      threshold: try b.required("threshold").int(in: 1...30),
      negativeThreshold: try b.required("negativeThreshold").int(in: 1...30),
      resetPotential: try b.required("resetPotential").int(in: 2...31),
      potential: try b.required("potential").int(in: 8...31),
      thresholdMask: try b.required("thresholdMask").int(in: 0...30),
      offset: try b.required("offset").int(in: 2...16))
  }

  /// The `routing` object: the cycle model's clock and costs.
  static func parseRouting(_ r: JSONCursor) throws(InputError) -> Routing {
    try r.rejectUnknownKeys([
      "clockHz", "routerCyclesPerHop", "coreCyclesPerNeuron", "coreCyclesPerSynapticEvent",
      "chipLinkSpikesPerSecond", "chipLinkBitsPerSpike",
    ])
    return Routing(
      clockHz: try r.required("clockHz").positiveDouble(atMost: 1e12),
      routerCyclesPerHop: try r.required("routerCyclesPerHop").int(in: 1...1_000_000),
      coreCyclesPerNeuron: try r.required("coreCyclesPerNeuron").int(in: 0...1_000_000),
      coreCyclesPerSynapticEvent: try r.required("coreCyclesPerSynapticEvent").int(in: 0...1_000_000),
      chipLinkSpikesPerSecond: try r.required("chipLinkSpikesPerSecond").positiveDouble(atLeast: 1, atMost: 1e12),
      chipLinkBitsPerSpike: try r.required("chipLinkBitsPerSpike").int(in: 1...1024))
  }

  /// The `energy` object: joules per event and static watts.
  static func parseEnergy(_ e: JSONCursor) throws(InputError) -> Energy {
    try e.rejectUnknownKeys([
      "synapticEventJoules", "spikeHopJoules", "chipLinkBitJoules", "neuronUpdateJoules", "staticWattsPerChip",
    ])
    return Energy(
      synapticEventJoules: try e.required("synapticEventJoules").nonNegativeDouble(),
      spikeHopJoules: try e.required("spikeHopJoules").nonNegativeDouble(),
      chipLinkBitJoules: try e.required("chipLinkBitJoules").nonNegativeDouble(),
      neuronUpdateJoules: try e.required("neuronUpdateJoules").nonNegativeDouble(),
      staticWattsPerChip: try e.required("staticWattsPerChip").nonNegativeDouble())
  }

  /// Loads a chip definition file.
  public static func load(path: String) throws(InputError) -> ChipDefinition {
    try parse(try readFile(path), file: path)
  }

  /// Resolves a chip reference: a path to a file, or a name looked up as `NAME.json` in, in
  /// order, the directory `relativeTo`, each directory of `$TNSIM_CHIPDEFS` (colon-separated),
  /// `./chipdefs`, the `chipdefs/` of an installed tnsim (`PREFIX/share/tnsim/chipdefs` beside
  /// `PREFIX/bin/tnsim`) or of the checkout the executable was built in, and last the copies of
  /// `chipdefs/` built into tnsim (`builtinFiles`), so a name such as `tiny` resolves anywhere.
  /// - Throws: `InputError` when nothing of that name exists, listing the places tried and the
  ///   built-in names; or the file's own error when it does not parse.
  public static func resolve(_ reference: String, relativeTo directory: String? = nil) throws(InputError)
    -> ChipDefinition
  {
    let candidates = candidatePaths(reference, relativeTo: directory)
    for candidate in candidates where FileManager.default.fileExists(atPath: candidate) {
      return try load(path: candidate)
    }
    if let builtin = builtin(named: reference) { return builtin }
    let allowed = "a chip definition file, or a built-in name: \(builtinNames.joined(separator: ", "))"
    let tried = candidates.isEmpty ? "" : "; tried " + candidates.joined(separator: ", ")
    throw InputError(
      file: reference, field: "chip", value: reference, allowed: allowed,
      message: "no chip definition of that name: it is not built in (\(builtinNames.joined(separator: ", ")))"
        + " and no file was found\(tried) (add folders with $TNSIM_CHIPDEFS)")
  }

  /// The built-in copy of `chipdefs/NAME.json`, parsed, or nil when `name` is not built in.
  public static func builtin(named name: String) -> ChipDefinition? {
    guard let json = builtinFiles.first(where: { $0.name == name })?.json else { return nil }
    // The built-in texts are chipdefs/*.json byte for byte, which the tests parse.
    return try? parse(Array(json.utf8), file: "built-in chip definition \(name)")
  }

  /// The names of the definitions shipped in `chipdefs/` and built into tnsim.
  public static var builtinNames: [String] { builtinFiles.map(\.name) }

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
    // An installed binary: PREFIX/bin/tnsim beside PREFIX/share/tnsim/chipdefs.
    // The executable's own path (/proc/self/exe on Linux), not argv[0], which is a bare name when
    // tnsim is found through PATH.
    let executable = URL(fileURLWithPath: Bundle.main.executablePath ?? CommandLine.arguments.first ?? ".").resolvingSymlinksInPath()
    let bin = executable.deletingLastPathComponent()
    paths.append(bin.deletingLastPathComponent().appendingPathComponent("share/tnsim/chipdefs").appendingPathComponent(file).path)
    // The executable lives in <checkout>/.build/<config>/tnsim; walk up to find chipdefs/.
    var dir = bin
    for _ in 0..<5 {
      paths.append(dir.appendingPathComponent("chipdefs").appendingPathComponent(file).path)
      dir = dir.deletingLastPathComponent()
    }
    var seen = Set<String>()
    return paths.filter { seen.insert($0).inserted }
  }
}

extension JSONCursor {
  func positiveDouble() throws(InputError) -> Double {
    let v = try double()
    guard v > 0, v.isFinite else { throw fail("value \(v) must be a positive number") }
    return v
  }

  /// A positive number no larger than `upper` (and at least `lower` when given): the limits keep
  /// the cycle model's products (`tickSeconds * clockHz` cycles per tick, `clockHz /
  /// chipLinkSpikesPerSecond` cycles per chip-link packet) far inside Int64 (docs/robustness.md).
  func positiveDouble(atLeast lower: Double? = nil, atMost upper: Double) throws(InputError) -> Double {
    let v = try double()
    guard v > 0, v.isFinite, v <= upper, v >= (lower ?? 0) else {
      let low = lower.map { "at least \($0)" } ?? "more than 0"
      throw fail("value \(v) is out of range; allowed: \(low) and at most \(upper)")
    }
    return v
  }

  func nonNegativeDouble() throws(InputError) -> Double {
    let v = try double()
    guard v >= 0, v.isFinite else { throw fail("value \(v) must be zero or a positive number") }
    return v
  }
}

