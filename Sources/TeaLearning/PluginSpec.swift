/// A plug-in spec that cannot be used, as values: the plug-in, the setting, the value given and
/// what is allowed. The command line names the flag the spec came from; its description here
/// names only the plug-in and the setting (`ssl.lambda: is 'x'; give a number in 0.0...1000000.0`).
public struct PluginSpecError: Error, CustomStringConvertible, Sendable, Equatable {
  /// What is wrong.
  public enum Problem: Sendable, Equatable {
    /// The spec has no plug-in name.
    case noName
    /// A setting is not `key=value` (`value` holds it).
    case notKeyValue
    /// A setting is given twice.
    case repeatedKey
    /// A key that is not a setting of the plug-in (`allowed` lists them).
    case unknownKey
    /// A value that is not allowed (`allowed` says what is).
    case badValue
    /// A name that is not a plug-in (`allowed` lists them).
    case unknownPlugin
    /// A plug-in given twice in one run.
    case repeatedPlugin
  }

  /// What is wrong.
  public var problem: Problem
  /// The plug-in's name (empty when the spec has none).
  public var plugin: String
  /// The setting, when the error is about one.
  public var key: String?
  /// The text given: the value, the setting that is not `key=value`, or the whole spec.
  public var value: String?
  /// What is allowed: the settings, the plug-ins, or the range or choices of a value.
  public var allowed: String?

  /// An error from its parts.
  public init(_ problem: Problem, plugin: String, key: String? = nil, value: String? = nil, allowed: String? = nil) {
    self.problem = problem
    self.plugin = plugin
    self.key = key
    self.value = value
    self.allowed = allowed
  }

  /// Where in the spec: `plugin.key`, the plug-in, or nil when the spec has no name.
  public var location: String? {
    if plugin.isEmpty { return nil }
    return key.map { "\(plugin).\($0)" } ?? plugin
  }

  /// What is wrong and what is allowed, without the location.
  public var message: String {
    switch problem {
    case .noName: return "'\(value ?? "")' has no plug-in name; write NAME or NAME:key=value,..."
    case .notKeyValue: return "setting '\(value ?? "")' is not key=value"
    case .repeatedKey: return "is given twice"
    case .unknownKey: return "is not a setting of \(plugin); its settings: \(allowed ?? "")"
    case .badValue: return "is '\(value ?? "")'; \(allowed ?? "")"
    case .unknownPlugin: return "is not a plug-in; use \(allowed ?? "")"
    case .repeatedPlugin: return "is given twice; give each plug-in once with all its settings"
    }
  }

  /// `location: message`.
  public var description: String { location.map { "\($0): \(message)" } ?? message }
}

/// A plug-in as the command line names it: `NAME` or `NAME:key=value,key=value` (docs/plugins.md).
public struct PluginSpec: Sendable, Equatable {
  /// The plug-in's name (`probreg`, `ssl`, `terngrad`).
  public var name: String
  /// The settings in the order given.
  public var settings: [(key: String, value: String)]

  /// Parses `text`.
  /// - Throws: `PluginSpecError` for an empty name, a setting without `=`, or a key given twice.
  public init(parsing text: String) throws(PluginSpecError) {
    let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
    name = String(parts[0]).trimmingWhitespace
    guard !name.isEmpty else { throw PluginSpecError(.noName, plugin: "", value: text) }
    settings = []
    guard parts.count == 2, !parts[1].isEmpty else { return }
    for item in parts[1].split(separator: ",", omittingEmptySubsequences: false) {
      let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let key = String(kv[0]).trimmingWhitespace
      guard kv.count == 2, !key.isEmpty else { throw PluginSpecError(.notKeyValue, plugin: name, value: String(item)) }
      guard !settings.contains(where: { $0.key == key }) else { throw PluginSpecError(.repeatedKey, plugin: name, key: key) }
      settings.append((key, String(kv[1]).trimmingWhitespace))
    }
  }

  /// Whether two specs have the same name and settings in the same order.
  public static func == (a: PluginSpec, b: PluginSpec) -> Bool {
    a.name == b.name && a.settings.elementsEqual(b.settings) { $0.key == $1.key && $0.value == $1.value }
  }

  /// The raw value of `key`, if given.
  public func value(_ key: String) -> String? { settings.first { $0.key == key }?.value }

  /// Throws unless every key given is one of `known`.
  public func check(known: [String]) throws(PluginSpecError) {
    for s in settings where !known.contains(s.key) {
      throw PluginSpecError(.unknownKey, plugin: name, key: s.key, value: s.value, allowed: known.joined(separator: ", "))
    }
  }

  /// An error for the value `s` of `key`, with what is allowed.
  public func badValue(_ key: String, _ s: String, allowed: String) -> PluginSpecError {
    PluginSpecError(.badValue, plugin: name, key: key, value: s, allowed: allowed)
  }

  /// The number at `key` (or `fallback`), which must lie in `range`.
  public func double(_ key: String, default fallback: Double, in range: ClosedRange<Double>) throws(PluginSpecError) -> Double {
    guard let s = value(key) else { return fallback }
    guard let v = Double(s), v.isFinite, range.contains(v) else {
      throw badValue(key, s, allowed: "give a number in \(range.lowerBound)...\(range.upperBound)")
    }
    return v
  }

  /// The integer at `key` (or `fallback`), which must lie in `range`.
  public func int(_ key: String, default fallback: Int, in range: ClosedRange<Int>) throws(PluginSpecError) -> Int {
    guard let s = value(key) else { return fallback }
    guard let v = Int(s), range.contains(v) else {
      throw badValue(key, s, allowed: "give an integer in \(range.lowerBound)...\(range.upperBound)")
    }
    return v
  }

  /// One of `choices` at `key` (or `fallback`).
  public func choice(_ key: String, default fallback: String, from choices: [String]) throws(PluginSpecError) -> String {
    guard let s = value(key) else { return fallback }
    guard choices.contains(s) else { throw badValue(key, s, allowed: "use \(choices.joined(separator: " or "))") }
    return s
  }

  /// A list of numbers separated by `/` at `key` (or `fallback`), each in `range`.
  public func doubles(_ key: String, default fallback: [Double], in range: ClosedRange<Double>) throws(PluginSpecError) -> [Double] {
    guard let s = value(key) else { return fallback }
    var out: [Double] = []
    for part in s.split(separator: "/") {
      guard let v = Double(part), v.isFinite, range.contains(v) else {
        throw badValue(key, s, allowed: "give numbers in \(range.lowerBound)...\(range.upperBound) separated by /")
      }
      out.append(v)
    }
    return out
  }

  /// A list of integers separated by `/` at `key` (or `fallback`), each in `range`.
  public func ints(_ key: String, default fallback: [Int], in range: ClosedRange<Int>) throws(PluginSpecError) -> [Int] {
    guard let s = value(key) else { return fallback }
    let values = s.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
    guard !values.isEmpty, values.allSatisfy({ $0.map(range.contains) ?? false }) else {
      throw badValue(key, s, allowed: "give integers in \(range.lowerBound)...\(range.upperBound) separated by /")
    }
    return values.map { $0! }
  }
}

extension StringProtocol {
  var trimmingWhitespace: String {
    String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
  }
}

/// The plug-ins a training run can name.
public enum TrainingPlugins {
  /// Their names.
  public static let names = ["probreg", "ssl", "terngrad", "prune", "gdrop", "tie"]

  /// Makes the plug-in `text` names.
  /// - Throws: `PluginSpecError` for an unknown name or a bad setting; `InputError` when a file
  ///   a setting names cannot be read (`ssl:structure=`).
  public static func make(_ text: String) throws -> any TrainingPlugin {
    let spec = try PluginSpec(parsing: text)
    switch spec.name {
    case "probreg": return try ProbabilityRegularizer(spec)
    case "ssl": return try StructuredSparsity(spec)
    case "terngrad": return try TernGrad(spec)
    case "prune": return try MagnitudePruning(spec)
    case "gdrop": return try GradientDropping(spec)
    case "tie": return try TiedCores(spec)
    default:
      throw PluginSpecError(.unknownPlugin, plugin: spec.name, allowed: names.joined(separator: ", "))
    }
  }

  /// The plug-ins of `options` in order, then clipping; at most one may compute gradients
  /// itself (a data-parallel plug-in).
  /// - Throws: as `make(_:)`, and `PluginSpecError` for a plug-in named twice.
  public static func make(for options: TrainingOptions) throws -> [any TrainingPlugin] {
    var list: [any TrainingPlugin] = []
    for text in options.plugins { list.append(try make(text)) }
    let names = list.map(\.name)
    for (i, n) in names.enumerated() where names[..<i].contains(n) {
      throw PluginSpecError(.repeatedPlugin, plugin: n)
    }
    // Two data-parallel plug-ins would each compute the step's gradient; only the first would run.
    let parallel = list.filter { $0 is TernGrad || $0 is GradientDropping }.map(\.name)
    if parallel.count > 1 {
      throw PluginSpecError(
        .badValue, plugin: parallel[1], value: "\(parallel[1]) with \(parallel[0])", allowed: "give one data-parallel plug-in (terngrad or gdrop), not both")
    }
    for case let p as MagnitudePruning in list where p.epochsNeeded > options.epochs {
      throw PluginSpecError(
        .badValue, plugin: p.name, key: "steps", value: "\(p.steps)",
        allowed: "\(p.steps) steps every \(p.every) epochs need at least \(p.epochsNeeded) epochs; the run has \(options.epochs)")
    }
    return list + [ClipParameters()]
  }
}
