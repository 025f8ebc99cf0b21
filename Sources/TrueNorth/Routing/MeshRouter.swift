/// The 2-D mesh of routers of a chip or board, and its dimension-order routing
/// (docs/routing-and-energy.md).
///
/// Every core position of the board has a router with five ports: east (x + 1), west (x - 1),
/// north (y - 1), south (y + 1) and local (the core). A spike goes along x until dx = 0, then along
/// y, one hop per router; a hop between two cores of different chips goes through the merge-split
/// stage onto the chip-to-chip link of that chip edge instead of a router link.
public struct MeshRouter: Sendable {
  /// The output ports of a router; the raw value indexes the router's links.
  public enum Port: Int, Sendable, CaseIterable, CustomStringConvertible {
    case east = 0, west, north, south, local

    public var description: String { ["east", "west", "north", "south", "local"][rawValue] }
  }

  /// One hop of a path: the router it leaves, the port it leaves by, and whether it crosses a
  /// chip border (and so uses a chip-to-chip link).
  public struct Hop: Sendable, Hashable {
    public var x: Int
    public var y: Int
    public var port: Port
    public var crossesChip: Bool
  }

  /// Links per router in the link numbering: the five output ports.
  public static let portsPerRouter = 5
  /// Chip-to-chip links per chip: one per edge direction (east, west, north, south).
  public static let linksPerChip = 4

  public let width: Int
  public let height: Int
  public let coresPerChipX: Int
  public let coresPerChipY: Int
  public let chipsX: Int
  public let chipsY: Int

  /// The mesh of a chip definition's board.
  public init(chip: ChipDefinition) {
    width = chip.width
    height = chip.height
    coresPerChipX = chip.coresPerChipX
    coresPerChipY = chip.coresPerChipY
    chipsX = chip.chipsX
    chipsY = chip.chipsY
  }

  /// Router links in the numbering `router * 5 + port` (router = y * width + x).
  public var linkCount: Int { width * height * Self.portsPerRouter }
  /// Chip-to-chip links in the numbering `chip * 4 + port` (chip = cy * chipsX + cx).
  public var chipLinkCount: Int { chipsX * chipsY * Self.linksPerChip }

  /// The port a packet at (x, y) bound for (tx, ty) leaves by: x first, then y, then local.
  @inline(__always)
  public func nextPort(x: Int, y: Int, targetX: Int, targetY: Int) -> Port {
    if targetX > x { return .east }
    if targetX < x { return .west }
    if targetY < y { return .north }
    if targetY > y { return .south }
    return .local
  }

  /// Whether the hop from (x, y) through `port` crosses a chip border.
  @inline(__always)
  public func crossesChip(x: Int, y: Int, port: Port) -> Bool {
    switch port {
    case .east: return (x + 1) % coresPerChipX == 0
    case .west: return x % coresPerChipX == 0
    case .north: return y % coresPerChipY == 0
    case .south: return (y + 1) % coresPerChipY == 0
    case .local: return false
    }
  }

  /// The chip-to-chip link a border-crossing hop from (x, y) through `port` uses.
  @inline(__always)
  public func chipLink(x: Int, y: Int, port: Port) -> Int {
    ((y / coresPerChipY) * chipsX + x / coresPerChipX) * Self.linksPerChip + port.rawValue
  }

  /// The hops of a spike from core `source` to core `target` (linear ids), ending with the local
  /// port of the target's router. Used by tests and reports; the cycle model walks the same rule.
  /// - Complexity: O(|dx| + |dy|).
  public func path(from source: Int, to target: Int) -> [Hop] {
    var x = source % width, y = source / width
    let tx = target % width, ty = target / width
    var hops: [Hop] = []
    while true {
      let port = nextPort(x: x, y: y, targetX: tx, targetY: ty)
      hops.append(Hop(x: x, y: y, port: port, crossesChip: crossesChip(x: x, y: y, port: port)))
      switch port {
      case .east: x += 1
      case .west: x -= 1
      case .north: y -= 1
      case .south: y += 1
      case .local: return hops
      }
    }
  }

  /// Router-to-router hops between two cores: |dx| + |dy|.
  public func hopCount(from source: Int, to target: Int) -> Int {
    abs(target % width - source % width) + abs(target / width - source / width)
  }

  /// Chip borders crossed between two cores: |dcx| + |dcy| in chips.
  public func chipCrossings(from source: Int, to target: Int) -> Int {
    abs((target % width) / coresPerChipX - (source % width) / coresPerChipX)
      + abs((target / width) / coresPerChipY - (source / width) / coresPerChipY)
  }

  /// A readable name of a router link, e.g. `router (3, 7) east`.
  public func describeLink(_ link: Int) -> String {
    let router = link / Self.portsPerRouter
    let port = Port(rawValue: link % Self.portsPerRouter) ?? .local
    return "router (\(router % width), \(router / width)) \(port)" + (port == .local ? " (delivery to the core)" : "")
  }

  /// A readable name of a chip-to-chip link, e.g. `chip (0, 1) east chip-to-chip link`.
  public func describeChipLink(_ link: Int) -> String {
    let chip = link / Self.linksPerChip
    let port = Port(rawValue: link % Self.linksPerChip) ?? .east
    return "chip (\(chip % chipsX), \(chip / chipsX)) \(port) chip-to-chip link"
  }
}
