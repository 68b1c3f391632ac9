using System.Text;
using System.Xml;

namespace ExSync.ExchangeSimulator;

/// <summary>One position in an xs:sequence: an element (or an xs:choice of elements) with its occurrence bounds.</summary>
internal sealed class Particle
{
    public const int Unbounded = int.MaxValue;

    public Particle(string ns, string name, int minOccurs = 0, int maxOccurs = 1)
        : this(ns, [name], minOccurs, maxOccurs)
    {
    }

    public Particle(string ns, string[] choiceOfNames, int minOccurs = 0, int maxOccurs = 1)
    {
        Namespace = ns;
        Names = choiceOfNames;
        MinOccurs = minOccurs;
        MaxOccurs = maxOccurs;
    }

    public string Namespace { get; }

    public string[] Names { get; }

    public int MinOccurs { get; }

    public int MaxOccurs { get; }

    public bool Matches(string ns, string localName) =>
        string.Equals(ns, Namespace, StringComparison.Ordinal) && Array.IndexOf(Names, localName) >= 0;

    public static Particle Required(string ns, string name) => new(ns, name, 1, 1);

    public static Particle Optional(string ns, string name) => new(ns, name);

    public static Particle Many(string ns, string name, int minOccurs = 0) => new(ns, name, minOccurs, Unbounded);

    public static Particle Choice(string ns, int minOccurs, int maxOccurs, params string[] names) => new(ns, names, minOccurs, maxOccurs);
}

/// <summary>The content model of an element: an xs:sequence of particles, as declared in the EWS schema.</summary>
internal sealed class ElementSequence(string ns, string localName, params Particle[] particles)
{
    public string Namespace { get; } = ns;

    public string LocalName { get; } = localName;

    public Particle[] Particles { get; } = particles;

    /// <summary>Starts walking the children of the element the reader is on (which must be this element's start tag).</summary>
    public SequenceCursor Open(XmlReader reader) => new(reader, this);
}

/// <summary>
/// Walks the children of one element in document order and enforces its xs:sequence: order, occurrence bounds,
/// unknown elements and stray text, with violations phrased like the .NET schema validator Exchange uses.
/// After <see cref="MoveNext"/> returns true the reader is on the child's start tag, and the caller must consume
/// the whole child (parse it or <see cref="XmlReader.Skip"/>) before calling <see cref="MoveNext"/> again.
/// </summary>
internal sealed class SequenceCursor
{
    private readonly XmlReader _reader;
    private readonly ElementSequence _sequence;
    private readonly bool _isEmpty;
    private readonly (int Line, int Position) _parentPosition;
    private int _index = -1;
    private int _count;
    private bool _finished;

    public SequenceCursor(XmlReader reader, ElementSequence sequence)
    {
        _reader = reader;
        _sequence = sequence;
        _isEmpty = reader.IsEmptyElement;
        _parentPosition = StrictXml.Position(reader);
        reader.Read();
    }

    /// <summary>The local name of the child the cursor is on.</summary>
    public string LocalName => _reader.LocalName;

    /// <summary>Moves to the next child; false at the end of the element (after checking required children).</summary>
    public bool MoveNext(out int particleIndex)
    {
        particleIndex = -1;
        if (_finished)
        {
            return false;
        }

        if (_isEmpty)
        {
            _finished = true;
            ThrowIfIncomplete();
            return false;
        }

        while (true)
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace or XmlNodeType.Comment or XmlNodeType.ProcessingInstruction:
                    _reader.Read();
                    continue;
                case XmlNodeType.EndElement:
                    ThrowIfIncomplete();
                    _reader.Read();
                    _finished = true;
                    return false;
                case XmlNodeType.Element:
                    particleIndex = Match(_reader.NamespaceURI, _reader.LocalName);
                    return true;
                case XmlNodeType.Text or XmlNodeType.CDATA:
                    throw StrictXml.Violation(_reader,
                        $"The element '{_sequence.LocalName}' in namespace '{_sequence.Namespace}' cannot contain text." +
                        (DescribeExpected() is { } expected ? $" List of possible elements expected: {expected}." : ""));
                default:
                    throw StrictXml.Violation(_reader, $"Unexpected {_reader.NodeType} in element '{_sequence.LocalName}'.");
            }
        }
    }

    /// <summary>Walks to the end, skipping children whose content the simulator does not interpret.</summary>
    public void SkipRemaining()
    {
        while (MoveNext(out _))
        {
            _reader.Skip();
        }
    }

    private int Match(string ns, string localName)
    {
        var particles = _sequence.Particles;
        var start = _index < 0 ? 0 : (_count < particles[_index].MaxOccurs ? _index : _index + 1);
        for (var candidate = start; candidate < particles.Length; candidate++)
        {
            if (particles[candidate].Matches(ns, localName))
            {
                if (candidate == _index)
                {
                    _count++;
                }
                else
                {
                    _index = candidate;
                    _count = 1;
                }

                return candidate;
            }

            // A required particle cannot be skipped over.
            if (!IsSatisfied(candidate))
            {
                break;
            }
        }

        var expected = DescribeExpected();
        throw StrictXml.Violation(_reader,
            $"The element '{_sequence.LocalName}' in namespace '{_sequence.Namespace}' has invalid child element '{localName}' in namespace '{ns}'." +
            (expected is null ? "" : $" List of possible elements expected: {expected}."));
    }

    private bool IsSatisfied(int particle) =>
        (particle == _index ? _count : 0) >= _sequence.Particles[particle].MinOccurs;

    private void ThrowIfIncomplete()
    {
        for (var particle = Math.Max(_index, 0); particle < _sequence.Particles.Length; particle++)
        {
            if (!IsSatisfied(particle))
            {
                // An empty element (<x/>) has no end tag of its own: report the element itself.
                var (line, position) = _isEmpty ? _parentPosition : StrictXml.Position(_reader);
                throw new SchemaViolationException(
                    $"The element '{_sequence.LocalName}' in namespace '{_sequence.Namespace}' has incomplete content. List of possible elements expected: {DescribeExpected()}.",
                    line, position);
            }
        }
    }

    /// <summary>The elements allowed next: from the current position up to and including the first required one; null when none is.</summary>
    private string? DescribeExpected()
    {
        var particles = _sequence.Particles;
        var start = _index < 0 ? 0 : (_count < particles[_index].MaxOccurs ? _index : _index + 1);
        var groups = new List<(string Namespace, List<string> Names)>();
        for (var particle = start; particle < particles.Length; particle++)
        {
            if (groups.Count == 0 || groups[^1].Namespace != particles[particle].Namespace)
            {
                groups.Add((particles[particle].Namespace, []));
            }

            groups[^1].Names.AddRange(particles[particle].Names);
            if (!IsSatisfied(particle))
            {
                break;
            }
        }

        if (groups.Count == 0)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var (ns, names) in groups)
        {
            text.Append(text.Length == 0 ? "" : " as well as ").Append('\'').AppendJoin(", ", names).Append("' in namespace '").Append(ns).Append('\'');
        }

        return text.ToString();
    }
}
