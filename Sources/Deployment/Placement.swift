import TeaLearning
import TrueNorth
import TrueNorthIO

extension Placement {
  /// Places `copies` copies of a network of `coresPerCopy` cores (in topology order, last layer
  /// last) on `chip`: each copy gets its own near-square block of cores, blocks tiled row by row;
  /// inside a block the last layer takes the most central positions and the earlier layers the
  /// ones around it, so every spike of a copy stays within a few hops. When the copies' square
  /// blocks do not fit the grid, the most nearly square block shape that fits them is used (e.g.
  /// 12 x 9 for 108 cores: 35 copies on one chip where 11 x 10 blocks give 30).
  /// - Returns: nil when the copies do not fit on the chip's grid.
  public static func blocks(copies: Int, coresPerCopy: Int, layerOfCore: [Int], chip: ChipDefinition) -> Placement? {
    guard copies > 0, coresPerCopy > 0, let (bw, bh) = blockShape(copies: copies, coresPerCopy: coresPerCopy, chip: chip) else { return nil }
    let perRow = chip.width / bw
    // Block positions ordered from the centre outwards (ties by row, then column).
    let cx = Double(bw - 1) / 2, cy = Double(bh - 1) / 2
    let slots = (0..<(bw * bh)).map { ($0 % bw, $0 / bw) }.sorted {
      let da = (Double($0.0) - cx) * (Double($0.0) - cx) + (Double($0.1) - cy) * (Double($0.1) - cy)
      let db = (Double($1.0) - cx) * (Double($1.0) - cx) + (Double($1.1) - cy) * (Double($1.1) - cy)
      return da != db ? da < db : ($0.1, $0.0) < ($1.1, $1.0)
    }
    // Cores from the last layer backwards take the slots from the centre outwards.
    let order = (0..<coresPerCopy).sorted { (layerOfCore[$0], $0) > (layerOfCore[$1], $1) }
    var inBlock = [(x: Int, y: Int)](repeating: (0, 0), count: coresPerCopy)
    for (slot, core) in order.enumerated() { inBlock[core] = (slots[slot].0, slots[slot].1) }
    var cores: [[(x: Int, y: Int)]] = []
    for copy in 0..<copies {
      let bx = (copy % perRow) * bw, by = (copy / perRow) * bh
      cores.append(inBlock.map { (bx + $0.x, by + $0.y) })
    }
    return Placement(chip: chip, cores: cores, blockWidth: bw, blockHeight: bh)
  }

  /// The block of `blocks`: the near-square one (width the ceiling of the square root) when
  /// `copies` of them tile the grid, else among the widths w whose blocks w x ceil(cores / w) fit
  /// them, the one closest to square (then the smaller block, then the wider); nil when none fits.
  static func blockShape(copies: Int, coresPerCopy: Int, chip: ChipDefinition) -> (width: Int, height: Int)? {
    func fits(_ w: Int, _ h: Int) -> Bool { h <= chip.height && copies <= (chip.width / w) * (chip.height / h) }
    var square = 1
    while square * square < coresPerCopy { square += 1 }
    let shapes = (1...max(1, min(chip.width, coresPerCopy))).map { w in (width: w, height: (coresPerCopy + w - 1) / w) }
    if let s = shapes.first(where: { $0.width == square }), fits(s.width, s.height) { return s }
    return shapes.filter { fits($0.width, $0.height) }.min {
      (abs($0.width - $0.height), $0.width * $0.height, -$0.width) < (abs($1.width - $1.height), $1.width * $1.height, -$1.width)
    }
  }
}

extension DeployedNetwork {
  /// The chip a deployment of `network` with `options` goes on: the chip or board `named` (a
  /// name in chipdefs/ or a path), or when nil, truenorth if the copies' blocks fit its grid and
  /// their outputs its output pins, and the ns16e board otherwise.
  /// - Throws: `InputError` when the named definition cannot be found or read.
  public static func chip(named name: String?, for network: ShadowNetwork, options: DeploymentOptions) throws(InputError) -> ChipDefinition {
    if let name { return try ChipDefinition.resolve(name) }
    let coresPerCopy = CorePacking.coresPerCopy(network, options: options)
    let one = try ChipDefinition.resolve("truenorth")
    if Placement.blocks(copies: options.copies, coresPerCopy: coresPerCopy, layerOfCore: [Int](repeating: 0, count: coresPerCopy), chip: one) != nil,
      options.copies * network.topology.outputCount <= one.outputPins
    {
      return one
    }
    return try ChipDefinition.resolve("ns16e")
  }
}
