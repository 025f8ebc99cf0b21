import TeaLearning
import TrueNorth
import TrueNorthIO

/// The manifest file (JSON, docs/deployed-format.md): writing and reading.
extension DeploymentManifest {
  /// The manifest as JSON text: keys in a fixed order, one table per line.
  public func fileBytes() -> [UInt8] {
    var o = JSONTextWriter()
    o.beginObject()
    o.lineBreak(indent: 2)
    o.member("format", Self.format)
    o.lineBreak(indent: 2)
    o.member("version", Self.version)
    o.lineBreak(indent: 2)
    o.member("model", model)
    o.lineBreak(indent: 2)
    o.member("modelSHA256", modelSHA256)
    o.lineBreak(indent: 2)
    o.member("chip", chip)
    o.lineBreak(indent: 2)
    o.key("network")
    o.beginObject()
    o.member("file", network.file)
    o.member("sha256", network.sha256)
    o.member("topology", network.topology)
    o.member("topologySHA256", network.topologySHA256)
    o.endObject()
    o.lineBreak(indent: 2)
    o.key("settings")
    o.beginObject()
    o.member("copies", options.copies)
    o.member("seed", options.seed)
    o.member("leak", options.leak.rawValue)
    o.member("shrinkWeights", options.shrinkWeights)
    o.member("pack", options.pack)
    o.member("scale", options.scale)
    o.member("synapses", options.synapses.rawValue)
    o.endObject()
    writeEncoding(&o)
    writeReadout(&o)
    o.endObject(lineBreak: 0)
    o.endLine()
    return o.bytes
  }

  func writeEncoding(_ o: inout JSONTextWriter) {
    o.lineBreak(indent: 2)
    o.key("encoding")
    o.beginObject()
    o.lineBreak(indent: 4)
    o.member("rule", "bernoulli")
    o.lineBreak(indent: 4)
    o.member("sampling", encoding.sampling.rawValue)
    o.lineBreak(indent: 4)
    o.member("seed", encoding.seed)
    o.lineBreak(indent: 4)
    o.key("spf")
    if let spf { o.value(spf) } else { o.null() }
    o.lineBreak(indent: 4)
    o.member("inputSize", encoding.inputSize)
    o.lineBreak(indent: 4)
    o.key("pixelStart")
    o.array(encoding.start)
    o.lineBreak(indent: 4)
    o.key("copies")
    o.beginArray()
    for axons in encoding.axons {
      o.lineBreak(indent: 6)
      o.beginObject()
      o.key("cores")
      o.array(axons.map(\.core))
      o.key("axons")
      o.array(axons.map(\.axon))
      o.endObject()
    }
    o.endArray(lineBreak: 4)
    o.endObject(lineBreak: 2)
  }

  func writeReadout(_ o: inout JSONTextWriter) {
    let outputs = readout.pinClass.count / max(options.copies, 1)
    o.lineBreak(indent: 2)
    o.key("readout")
    o.beginObject()
    o.lineBreak(indent: 4)
    o.member("classes", readout.classes)
    o.lineBreak(indent: 4)
    o.member("score", readout.score.rawValue)
    o.lineBreak(indent: 4)
    o.member("pipelineDepth", readout.pipelineDepth)
    o.lineBreak(indent: 4)
    o.key("neuronsPerClass")
    o.array(readout.neuronsPerClass)
    o.lineBreak(indent: 4)
    o.key("copies")
    o.beginArray()
    for c in 0..<options.copies {
      let pins = (c * outputs)..<((c + 1) * outputs)
      o.lineBreak(indent: 6)
      o.beginObject()
      o.key("pins")
      o.array(pins)
      o.key("classes")
      o.array(pins.map { readout.pinClass[$0] })
      o.key("cores")
      o.array(pins.map { Int64(readout.pinSource[$0]?.core ?? -1) })
      o.key("neurons")
      o.array(pins.map { Int64(readout.pinSource[$0]?.neuron ?? -1) })
      o.endObject()
    }
    o.endArray(lineBreak: 4)
    o.endObject(lineBreak: 2)
  }

  /// Reads a manifest file.
  /// - Throws: `InputError` naming the file, line and JSON path of the first bad value.
  public static func load(path: String) throws(InputError) -> DeploymentManifest {
    let root = try JSONCursor.parse(try readFile(path), file: path)
    try root.rejectUnknownKeys(["format", "version", "model", "modelSHA256", "chip", "network", "settings", "encoding", "readout"])
    let format = try root.required("format")
    guard try format.string() == Self.format else { throw format.fail("expected \"\(Self.format)\" (is this a deployment manifest?)") }
    _ = try root.required("version").int(in: 1...1, allowed: "1")
    let n = try root.required("network")
    let network = NetworkReference(
      file: try n.required("file").string(), sha256: try n.required("sha256").string(), topology: try n.required("topology").string(),
      topologySHA256: try n.required("topologySHA256").string())
    var options = try readSettings(try root.required("settings"))
    let e = try root.required("encoding")
    let encoding = try readEncoding(e, copies: options.copies)
    options.inputs = encoding.sampling
    let spfCursor = try e.optional("spf")
    let spf: Int? = try spfCursor.flatMap { c throws(InputError) in c.isNull ? nil : try c.int(in: 1...1_000_000) }
    return DeploymentManifest(
      model: try root.required("model").string(), modelSHA256: try root.required("modelSHA256").string(),
      chip: try root.required("chip").string(), network: network, options: options, spf: spf,
      encoding: encoding, readout: try readReadout(try root.required("readout"), copies: options.copies))
  }

  static func readSettings(_ s: JSONCursor) throws(InputError) -> DeploymentOptions {
    var options = DeploymentOptions()
    options.copies = try s.required("copies").int(in: 1...65536)
    options.seed = UInt64(bitPattern: try s.required("seed").int64())
    let leak = try s.required("leak")
    guard let rounding = DeploymentOptions.LeakRounding(rawValue: try leak.string()) else {
      throw leak.fail("expected floor, round or dither")
    }
    options.leak = rounding
    options.shrinkWeights = try s.required("shrinkWeights").bool()
    options.pack = try s.required("pack").bool()
    options.scale = try s.required("scale").int(in: 1...WeightTable.largestMagnitude)
    // Manifests written before the choice existed had independently drawn synapses.
    if let c = try s.optional("synapses") {
      guard let sampling = SynapseSampling(rawValue: try c.string()) else { throw c.fail("expected \"independent\" or \"stratified\"") }
      options.synapses = sampling
    }
    return options
  }

  static func readEncoding(_ e: JSONCursor, copies: Int) throws(InputError) -> InputEncoding {
    let rule = try e.required("rule")
    guard try rule.string() == "bernoulli" else { throw rule.fail("expected \"bernoulli\"") }
    let inputSize = try e.required("inputSize").int(in: 1...(1 << 24))
    let start = try e.required("pixelStart").ints(in: 0..., count: inputSize + 1)
    guard start[0] == 0, zip(start, start.dropFirst()).allSatisfy({ $0 <= $1 }) else {
      throw try e.required("pixelStart").fail("must start at 0 and never decrease")
    }
    let list = try e.required("copies")
    let entries = try list.elements()
    guard entries.count == copies else { throw list.fail("expected \(copies) copies (settings.copies), found \(entries.count)") }
    var axons: [[(core: Int32, axon: Int32)]] = []
    for entry in entries {
      let cores = try entry.required("cores").ints(in: 0...Int(Int32.max), count: start[inputSize])
      let a = try entry.required("axons").ints(in: 0...255, count: start[inputSize])
      axons.append(zip(cores, a).map { (core: Int32($0), axon: Int32($1)) })
    }
    let seed = UInt64(bitPattern: try e.required("seed").int64())
    // Manifests written before the choice existed had shared input spikes.
    var sampling = InputSampling.shared
    let samplingCursor = try e.optional("sampling")
    if let c = samplingCursor {
      guard let s = InputSampling(rawValue: try c.string()) else { throw c.fail("expected \"independent\", \"shared\" or \"stratified\"") }
      sampling = s
    }
    return InputEncoding(inputSize: inputSize, start: start, axons: axons, seed: seed, sampling: sampling)
  }

  static func readReadout(_ r: JSONCursor, copies: Int) throws(InputError) -> Readout {
    let classes = try r.required("classes").int(in: 1...65536)
    let scoreCursor = try r.required("score")
    guard let score = ClassScore(rawValue: try scoreCursor.string()) else { throw scoreCursor.fail("expected sum or mean") }
    let neuronsPerClass = try r.required("neuronsPerClass").ints(in: 0..., count: classes)
    let list = try r.required("copies")
    let entries = try list.elements()
    guard entries.count == copies else { throw list.fail("expected \(copies) copies (settings.copies), found \(entries.count)") }
    var pinClass: [Int32] = []
    var pinSource: [Readout.PinSource?] = []
    for entry in entries {
      let pins = try entry.required("pins")
      let numbers = try pins.ints(in: 0...Int(Int32.max))
      guard numbers == Array(pinClass.count..<(pinClass.count + numbers.count)) else {
        throw pins.fail("pins must number copy * outputs + output, from \(pinClass.count)")
      }
      pinClass += try entry.required("classes").ints(in: 0..<classes, count: numbers.count).map(Int32.init)
      let cores = try entry.required("cores").ints(in: -1...Int(Int32.max), count: numbers.count)
      let neurons = try entry.required("neurons").ints(in: -1...255, count: numbers.count)
      pinSource += zip(cores, neurons).map { $0 < 0 || $1 < 0 ? nil : Readout.PinSource(core: Int32($0), neuron: Int32($1)) }
    }
    return Readout(classes: classes, pinClass: pinClass, neuronsPerClass: neuronsPerClass, score: score,
      pipelineDepth: try r.required("pipelineDepth").int(in: 0...1024), pinSource: pinSource)
  }
}
