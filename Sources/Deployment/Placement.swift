import TeaLearning
import TrueNorth
import TrueNorthIO

extension Placement {
  /// Places `copies` copies of a network of `coresPerCopy` cores (in topology order, last layer
  /// last) on `chip`: each copy gets its own near-square block of cores, blocks tiled row by row;
  /// inside a block the last layer takes the most central positions and the earlier layers the
  /// ones around it, so every spike of a copy stays within a few hops.
  /// - Returns: nil when the copies do not fit on the chip's grid.
  public static func blocks(copies: Int, coresPerCopy: Int, layerOfCore: [Int], chip: ChipDefinition) -> Placement? {
    guard copies > 0, coresPerCopy > 0 else { return nil }
    var bw = 1
    while bw * bw < coresPerCopy { bw += 1 }
    let bh = (coresPerCopy + bw - 1) / bw
    let perRow = chip.width / bw
    let rows = chip.height / bh
    guard perRow > 0, rows > 0, copies <= perRow * rows else { return nil }
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
