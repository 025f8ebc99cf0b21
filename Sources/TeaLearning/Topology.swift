import Foundation

/// The shape of a core-structured network: layers of cores, each core reading at most 256 inputs
/// (its axons) and holding at most 256 neurons.
///
/// Layer 0 reads the input vector (the image's pixels, row-major); layer `l > 0` reads the outputs
/// of layer `l - 1`, which are the outputs of its cores concatenated in core order. Axon `a` of a
/// core reads index `inputs[a]`. The outputs of the last layer are the class neurons: output `j`
/// votes for class `j % classes`.
public struct Topology: Sendable, Equatable, Codable {
  /// One core: the indices its axons read and its number of neurons.
  public struct Core: Sendable, Equatable, Codable {
    /// Axon `a` reads input (layer 0) or previous-layer output `inputs[a]`.
    public var inputs: [Int]
    /// Number of neurons, 1...256.
    public var neurons: Int

    /// Creates a core.
    public init(inputs: [Int], neurons: Int) {
      self.inputs = inputs
      self.neurons = neurons
    }

    /// Number of axons (inputs).
    public var axons: Int { inputs.count }
  }

  /// A name such as `mnist-5core`.
  public var name: String
  /// Rows of the input image (the input vector has `inputRows * inputColumns` entries).
  public var inputRows: Int
  /// Columns of the input image.
  public var inputColumns: Int
  /// Number of classes of the readout.
  public var classes: Int
  /// The layers, input side first; each is a list of cores.
  public var layers: [[Core]]

  /// Axons per core and neurons per core on TrueNorth.
  public static let maxAxons = 256
  /// Neurons per core on TrueNorth.
  public static let maxNeurons = 256
  /// The most cores a network file or topology may declare: one TrueNorth chip (4,096 cores).
  /// With at most 256 x 256 synapses per core this bounds what a file can make the trainer and
  /// the deployer allocate (docs/robustness.md).
  public static let maxCores = 4096
  /// The most input values (`inputRows * inputColumns`) a file may declare: 1,048,576
  /// (1024 x 1024), so that one image's floats take at most 4 MiB (docs/robustness.md).
  public static let maxInputSize = 1 << 20

  /// Checks the declared input size against `maxInputSize` without overflow.
  /// - Throws: `InputError` naming `file` and the `input` field.
  static func checkInput(rows: Int, columns: Int, file: String) throws(InputError) {
    guard rows >= 1, columns >= 1 else {
      throw InputError(file: file, path: "input", message: "\(rows) x \(columns); rows and columns must be at least 1")
    }
    let (size, overflow) = rows.multipliedReportingOverflow(by: columns)
    guard !overflow, size <= maxInputSize else {
      throw InputError(
        file: file, path: "input",
        message: "\(rows) x \(columns) is more than the \(maxInputSize) input values a network may read (docs/robustness.md)")
    }
  }

  /// Creates a topology; call `validate(file:)` before use on untrusted data.
  public init(name: String, inputRows: Int, inputColumns: Int, classes: Int, layers: [[Core]]) {
    self.name = name
    self.inputRows = inputRows
    self.inputColumns = inputColumns
    self.classes = classes
    self.layers = layers
  }

  /// The size of the input vector.
  public var inputSize: Int { inputRows * inputColumns }
  /// All cores, layer by layer.
  public var cores: [Core] { layers.flatMap { $0 } }
  /// Number of outputs of layer `l` (its cores' neurons, concatenated).
  public func outputs(ofLayer l: Int) -> Int { layers[l].reduce(0) { $0 + $1.neurons } }
  /// Number of class neurons (outputs of the last layer).
  public var outputCount: Int { layers.isEmpty ? 0 : outputs(ofLayer: layers.count - 1) }
  /// The class that output neuron `j` of the last layer votes for: `j % classes`.
  public func classOf(output j: Int) -> Int { j % classes }
  /// How many output neurons vote for each class.
  public var neuronsPerClass: [Int] {
    var n = [Int](repeating: 0, count: classes)
    for j in 0..<outputCount { n[classOf(output: j)] += 1 }
    return n
  }

  /// Throws unless `core` has 1...maxNeurons neurons (`at` is its JSON path).
  static func checkNeurons(_ core: Core, at: String, file: String) throws(InputError) {
    guard (1...maxNeurons).contains(core.neurons) else {
      throw InputError(file: file, path: at + ".neurons", message: "is \(core.neurons); allowed: 1...\(maxNeurons)")
    }
  }

  /// Checks every core against the hardware limits and every input index against its layer.
  /// - Throws: `InputError` naming `file`, the core (`layers[l].cores[k]`) and the field.
  public func validate(file: String) throws(InputError) {
    try Self.checkInput(rows: inputRows, columns: inputColumns, file: file)
    guard classes >= 1 else { throw InputError(file: file, path: "classes", message: "is \(classes); must be at least 1") }
    guard !layers.isEmpty else { throw InputError(file: file, path: "layers", message: "is empty; give at least one layer") }
    let coreCount = layers.reduce(0) { $0 + min($1.count, Self.maxCores + 1) }
    guard coreCount <= Self.maxCores else {
      throw InputError(file: file, path: "layers", message: "has more than \(Self.maxCores) cores; allowed: 1...\(Self.maxCores) (one chip)")
    }
    var previous = inputSize
    for (l, layer) in layers.enumerated() {
      guard !layer.isEmpty else {
        throw InputError(file: file, path: "layers[\(l)].cores", message: "is empty; a layer needs at least one core")
      }
      for (k, core) in layer.enumerated() {
        let at = "layers[\(l)].cores[\(k)]"
        try Self.checkNeurons(core, at: at, file: file)
        guard (1...Self.maxAxons).contains(core.inputs.count) else {
          throw InputError(file: file, path: at + ".inputs", message: "has \(core.inputs.count) entries; allowed: 1...\(Self.maxAxons) (one per axon)")
        }
        for (a, i) in core.inputs.enumerated() where !(0..<previous).contains(i) {
          throw InputError(
            file: file, path: at + ".inputs[\(a)]",
            message: "is \(i); allowed: 0...\(previous - 1) (\(l == 0 ? "input pixels" : "outputs of layer \(l - 1)"))")
        }
      }
      previous = outputs(ofLayer: l)
    }
    guard outputCount >= classes else {
      throw InputError(file: file, path: "layers[\(layers.count - 1)]", message: "has \(outputCount) neurons; needs at least one per class (\(classes))")
    }
  }
}

// MARK: - The topology file

extension Topology {
  /// The JSON topology file (docs/topology-format.md): cores given by explicit inputs, an image
  /// patch, a range of the previous layer's outputs, or a grid of patches.
  struct File: Codable {
    struct Patch: Codable {
      var row: Int
      var column: Int
      var height: Int
      var width: Int
    }
    struct Range: Codable {
      var start: Int
      var count: Int
    }
    struct Grid: Codable {
      var size: Int
      var stride: Int
      var neurons: Int
    }
    /// EEDN-style grouping: the previous layer's first `rows x columns` cores, read as a grid in
    /// row order; one new core per `block x block` neighbourhood at every `stride`, reading all
    /// the outputs of those cores.
    struct Group: Codable {
      var rows: Int
      var columns: Int
      var block: Int
      var stride: Int
      var neurons: Int
    }
    /// A shuffle of the previous layer (ShuffleNet's channel shuffle): `cores` new cores, core m
    /// reading the m-th of `cores` equal slices of every previous-layer core's outputs, so that
    /// every new core sees every previous core's features.
    struct Shuffle: Codable {
      var cores: Int
      var neurons: Int
    }
    struct Core: Codable {
      var inputs: [Int]?
      var patch: Patch?
      var range: Range?
      var neurons: Int
    }
    struct Layer: Codable {
      var cores: [Core]?
      var patchGrid: Grid?
      var groupGrid: Group?
      var shuffle: Shuffle?
    }
    /// The image size, shared with the trained network file.
    struct Input: Codable {
      var rows: Int
      var columns: Int
    }
    var format: String
    var version: Int
    var name: String
    var input: Input
    var classes: Int
    var layers: [Layer]

    /// `start..<start + count` for messages, without overflowing.
    static func span(_ start: Int, _ count: Int) -> String {
      let (end, overflow) = start.addingReportingOverflow(count)
      return overflow ? "\(start) + \(count)" : "\(start)..<\(end)"
    }

    /// The image positions (row-major) of the patch `p`, which must fit the input.
    func patchInputs(_ p: Patch, at: String, file: String) throws(InputError) -> [Int] {
      let cols = input.columns
      // Each test keeps to values already known to be in range, so no sum can overflow.
      guard p.row >= 0, p.column >= 0, p.height >= 1, p.width >= 1, p.row < input.rows, p.column < cols,
        p.height <= input.rows - p.row, p.width <= cols - p.column
      else {
        throw InputError(
          file: file, path: at,
          message: "rows \(Self.span(p.row, p.height)), columns \(Self.span(p.column, p.width)) do not fit the \(input.rows) x \(cols) input")
      }
      guard p.height <= Topology.maxAxons, p.width <= Topology.maxAxons, p.height * p.width <= Topology.maxAxons else {
        throw InputError(
          file: file, path: at, message: "is \(p.height) x \(p.width) pixels; a core reads at most \(Topology.maxAxons) (one per axon)")
      }
      var out: [Int] = []
      for r in p.row..<(p.row + p.height) { for c in p.column..<(p.column + p.width) { out.append(r * cols + c) } }
      return out
    }

    /// The cores of layer `l`'s patch grid, row by row.
    func gridCores(_ g: Grid, layer l: Int, file: String) throws(InputError) -> [Topology.Core] {
      guard l == 0 else {
        throw InputError(file: file, path: "layers[\(l)].patchGrid", message: "only layer 0 reads the image")
      }
      guard g.size >= 1, g.stride >= 1, g.size <= min(input.rows, input.columns) else {
        throw InputError(file: file, path: "layers[\(l)].patchGrid", message: "size \(g.size), stride \(g.stride) do not fit the input")
      }
      guard g.size <= Topology.maxAxons, g.size * g.size <= Topology.maxAxons else {
        throw InputError(
          file: file, path: "layers[\(l)].patchGrid.size",
          message: "is \(g.size); a \(g.size) x \(g.size) patch is more than the \(Topology.maxAxons) inputs of a core")
      }
      // The input is at most maxInputSize values, so these counts cannot overflow.
      let count = ((input.rows - g.size) / g.stride + 1) * ((input.columns - g.size) / g.stride + 1)
      guard count <= Topology.maxCores else {
        throw InputError(
          file: file, path: "layers[\(l)].patchGrid",
          message: "gives \(count) cores; allowed: at most \(Topology.maxCores) (one chip)")
      }
      var cores: [Topology.Core] = []
      for r in stride(from: 0, through: input.rows - g.size, by: g.stride) {
        for c in stride(from: 0, through: input.columns - g.size, by: g.stride) {
          let inputs = try patchInputs(Patch(row: r, column: c, height: g.size, width: g.size), at: "layers[\(l)].patchGrid", file: file)
          cores.append(Topology.Core(inputs: inputs, neurons: g.neurons))
        }
      }
      return cores
    }

    /// The cores of layer `l`'s group grid over the previous layer's cores, row by row.
    func groupCores(_ g: Group, previous: [Topology.Core]?, layer l: Int, file: String) throws(InputError) -> [Topology.Core] {
      let at = "layers[\(l)].groupGrid"
      guard let previous else { throw InputError(file: file, path: at, message: "layer 0 has no previous layer of cores to group") }
      guard g.rows >= 1, g.columns >= 1, g.rows <= Topology.maxCores, g.columns <= Topology.maxCores, g.rows * g.columns <= previous.count else {
        throw InputError(
          file: file, path: at, message: "rows \(g.rows) x columns \(g.columns) is not a grid of the previous layer's \(previous.count) cores")
      }
      guard g.block >= 1, g.stride >= 1, g.block <= min(g.rows, g.columns) else {
        throw InputError(file: file, path: at, message: "block \(g.block), stride \(g.stride) do not fit the \(g.rows) x \(g.columns) grid")
      }
      var starts: [Int] = []
      var start = 0
      for c in previous {
        starts.append(start)
        start += c.neurons
      }
      var cores: [Topology.Core] = []
      for r in stride(from: 0, through: g.rows - g.block, by: g.stride) {
        for c in stride(from: 0, through: g.columns - g.block, by: g.stride) {
          var inputs: [Int] = []
          for i in r..<(r + g.block) {
            for j in c..<(c + g.block) {
              let k = i * g.columns + j
              inputs += starts[k]..<(starts[k] + previous[k].neurons)
            }
          }
          guard inputs.count <= Topology.maxAxons else {
            throw InputError(
              file: file, path: at + ".block",
              message: "is \(g.block): a block reads \(inputs.count) outputs, more than the \(Topology.maxAxons) inputs of a core")
          }
          cores.append(Topology.Core(inputs: inputs, neurons: g.neurons))
        }
      }
      return cores
    }

    /// The cores of layer `l`'s shuffle of all the previous layer's cores: core m reads outputs
    /// m * w / C ..< (m + 1) * w / C of every previous core of w neurons, core after core.
    func shuffleCores(_ s: Shuffle, previous: [Topology.Core]?, layer l: Int, file: String) throws(InputError) -> [Topology.Core] {
      let at = "layers[\(l)].shuffle"
      guard let previous else { throw InputError(file: file, path: at, message: "layer 0 has no previous layer of cores to shuffle") }
      guard s.cores >= 1, s.cores <= Topology.maxCores else {
        throw InputError(file: file, path: at + ".cores", message: "is \(s.cores); allowed: 1...\(Topology.maxCores)")
      }
      var slices = [[Int]](repeating: [], count: s.cores)
      var start = 0
      for c in previous {
        for m in 0..<s.cores {
          // At most maxCores x maxNeurons outputs each, so no product overflows.
          let lo = m * c.neurons / s.cores, hi = (m + 1) * c.neurons / s.cores
          slices[m] += (start + lo)..<(start + hi)
          guard slices[m].count <= Topology.maxAxons else {
            throw InputError(
              file: file, path: at + ".cores",
              message: "is \(s.cores): a core would read more than the \(Topology.maxAxons) inputs of a core from the previous layer's \(previous.count) cores")
          }
        }
        start += c.neurons
      }
      return slices.map { Topology.Core(inputs: $0, neurons: s.neurons) }
    }

    /// The core `c` of layer `l` (at JSON path `at`): given by exactly one of inputs, patch, range.
    func core(_ c: Core, layer l: Int, at: String, file: String) throws(InputError) -> Topology.Core {
      let given = [c.inputs != nil, c.patch != nil, c.range != nil].filter { $0 }.count
      guard given == 1 else {
        throw InputError(file: file, path: at, message: "give exactly one of \"inputs\", \"patch\", \"range\"")
      }
      if let p = c.patch {
        guard l == 0 else { throw InputError(file: file, path: at + ".patch", message: "only layer 0 reads the image") }
        return Topology.Core(inputs: try patchInputs(p, at: at + ".patch", file: file), neurons: c.neurons)
      }
      if let r = c.range {
        guard r.start >= 0, r.count >= 1 else {
          throw InputError(file: file, path: at + ".range", message: "start must be >= 0 and count >= 1")
        }
        guard r.count <= Topology.maxAxons else {
          throw InputError(
            file: file, path: at + ".range.count", message: "is \(r.count); allowed: 1...\(Topology.maxAxons) (one per axon)")
        }
        // A previous layer has at most maxCores x maxNeurons outputs; validate names the exact bound.
        guard r.start <= Topology.maxCores * Topology.maxNeurons else {
          throw InputError(file: file, path: at + ".range.start", message: "is \(r.start); beyond the outputs of any previous layer")
        }
        return Topology.Core(inputs: Array(r.start..<(r.start + r.count)), neurons: c.neurons)
      }
      return Topology.Core(inputs: c.inputs ?? [], neurons: c.neurons)
    }
  }

  /// Parses a topology file and validates it.
  /// - Throws: `InputError` naming `file`, the line and column of a JSON syntax error, or the
  ///   field that is wrong.
  public static func parse(_ data: Data, file: String) throws(InputError) -> Topology {
    let f = try decodeJSON(File.self, from: [UInt8](data), file: file)
    guard f.format == "tnsim-topology" else {
      throw InputError(file: file, path: "format", message: "is \"\(f.format)\"; expected \"tnsim-topology\"")
    }
    guard f.version == 1 else { throw InputError(file: file, path: "version", message: "is \(f.version); allowed: 1") }
    guard f.input.rows >= 1, f.input.columns >= 1 else {
      throw InputError(file: file, path: "input", message: "rows and columns must be at least 1")
    }
    try checkInput(rows: f.input.rows, columns: f.input.columns, file: file)
    var layers: [[Topology.Core]] = []
    var coreCount = 0
    for (l, layer) in f.layers.enumerated() {
      var cores: [Topology.Core] = []
      if let g = layer.patchGrid { cores += try f.gridCores(g, layer: l, file: file) }
      if let g = layer.groupGrid { cores += try f.groupCores(g, previous: layers.last, layer: l, file: file) }
      if let g = layer.shuffle { cores += try f.shuffleCores(g, previous: layers.last, layer: l, file: file) }
      for (k, c) in (layer.cores ?? []).enumerated() { cores.append(try f.core(c, layer: l, at: "layers[\(l)].cores[\(k)]", file: file)) }
      // The next layer's grids count these neurons, so they must be in range before it is built.
      for (k, c) in cores.enumerated() { try checkNeurons(c, at: "layers[\(l)].cores[\(k)]", file: file) }
      coreCount += cores.count
      guard coreCount <= maxCores else {
        throw InputError(file: file, path: "layers[\(l)]", message: "brings the network to \(coreCount) cores; allowed: at most \(maxCores) (one chip)")
      }
      layers.append(cores)
    }
    let t = Topology(name: f.name, inputRows: f.input.rows, inputColumns: f.input.columns, classes: f.classes, layers: layers)
    try t.validate(file: file)
    return t
  }

  /// A built-in topology by name, or a topology file by path.
  /// - Throws: `InputError` when `nameOrPath` is neither a built-in name nor a readable,
  ///   valid topology file.
  public static func resolve(_ nameOrPath: String) throws(InputError) -> Topology {
    if let json = builtinFiles.first(where: { $0.name == nameOrPath })?.json {
      return try parse(Data(json.utf8), file: "built-in topology \(nameOrPath)")
    }
    guard let data = FileManager.default.contents(atPath: nameOrPath) else {
      throw InputError(
        file: nameOrPath,
        message: "is neither a built-in topology (\(builtinFiles.map(\.name).joined(separator: ", "))) nor a readable topology file")
    }
    return try parse(data, file: nameOrPath)
  }

  /// The built-in topologies as topology files (the same text docs/topology-format.md shows).
  public static let builtinFiles: [(name: String, json: String)] = [
    (
      "mnist-5core",
      """
      {
        "format": "tnsim-topology", "version": 1, "name": "mnist-5core",
        "input": {"rows": 28, "columns": 28}, "classes": 10,
        "layers": [
          {"cores": [
            {"patch": {"row": 0, "column": 0, "height": 16, "width": 16}, "neurons": 64},
            {"patch": {"row": 0, "column": 12, "height": 16, "width": 16}, "neurons": 64},
            {"patch": {"row": 12, "column": 0, "height": 16, "width": 16}, "neurons": 64},
            {"patch": {"row": 12, "column": 12, "height": 16, "width": 16}, "neurons": 64}
          ]},
          {"cores": [{"range": {"start": 0, "count": 256}, "neurons": 256}]}
        ]
      }
      """
    ),
    (
      "mnist-21core",
      """
      {
        "format": "tnsim-topology", "version": 1, "name": "mnist-21core",
        "input": {"rows": 28, "columns": 28}, "classes": 10,
        "layers": [
          {"patchGrid": {"size": 16, "stride": 4, "neurons": 64}},
          {"cores": [
            {"range": {"start": 0, "count": 256}, "neurons": 64},
            {"range": {"start": 256, "count": 256}, "neurons": 64},
            {"range": {"start": 512, "count": 256}, "neurons": 64},
            {"range": {"start": 768, "count": 256}, "neurons": 64}
          ]},
          {"cores": [{"range": {"start": 0, "count": 256}, "neurons": 250}]}
        ]
      }
      """
    ),
    (
      "mnist-24core",
      """
      {
        "format": "tnsim-topology", "version": 1, "name": "mnist-24core",
        "input": {"rows": 28, "columns": 28}, "classes": 10,
        "layers": [
          {"patchGrid": {"size": 16, "stride": 4, "neurons": 64}},
          {"groupGrid": {"rows": 4, "columns": 4, "block": 2, "stride": 2, "neurons": 256}},
          {"groupGrid": {"rows": 2, "columns": 2, "block": 1, "stride": 1, "neurons": 250}}
        ]
      }
      """
    ),
    (
      "mnist-54core",
      """
      {
        "format": "tnsim-topology", "version": 1, "name": "mnist-54core",
        "input": {"rows": 28, "columns": 28}, "classes": 10,
        "layers": [
          {"patchGrid": {"size": 13, "stride": 3, "neurons": 64}},
          {"groupGrid": {"rows": 6, "columns": 6, "block": 2, "stride": 2, "neurons": 256}},
          {"groupGrid": {"rows": 3, "columns": 3, "block": 1, "stride": 1, "neurons": 100}}
        ]
      }
      """
    ),
    (
      "mnist-54core-mix",
      """
      {
        "format": "tnsim-topology", "version": 1, "name": "mnist-54core-mix",
        "input": {"rows": 28, "columns": 28}, "classes": 10,
        "layers": [
          {"patchGrid": {"size": 13, "stride": 3, "neurons": 64}},
          {"groupGrid": {"rows": 6, "columns": 6, "block": 2, "stride": 2, "neurons": 252}},
          {"shuffle": {"cores": 9, "neurons": 100}}
        ]
      }
      """
    ),
  ]
}
