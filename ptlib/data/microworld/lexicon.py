"""The real words of the micro-world, with the ground truth each carries. Everything here is data.

The world generator (:mod:`.world`) adds thousands of invented words to each open class, so that most of the
vocabulary is learnable only from its distribution, as in real text. What is fixed here:

- closed-class words (determiners, prepositions, auxiliaries) and the *semantic classes* of nouns, verbs and
  adjectives with their real seed members; a verb class says which noun classes may be its subject and object;
- *topics* (theatre, sport, river, money, ...): each sense of an ambiguous word belongs to one topic, and a
  sentence signals the sense only through the topic words it happens to contain;
- sentiment words and the pieces of film reviews (the target domain).
"""

from __future__ import annotations

# Noun classes: real seed members in frequency order. Invented members are added by the world.
NOUN_CLASSES: dict[str, tuple[str, ...]] = {
    "person": ("teacher", "farmer", "doctor", "student", "baker", "singer", "pilot", "nurse", "lawyer", "poet",
               "soldier", "writer", "neighbour", "cook", "sailor", "miller"),
    "animal": ("dog", "cat", "horse", "cow", "sheep", "goat", "rabbit", "fox", "mouse", "donkey", "duck", "pig"),
    "food": ("bread", "soup", "cheese", "apple", "rice", "cake", "fish", "pear", "honey", "plum", "egg", "butter"),
    "tool": ("hammer", "saw", "spade", "ladder", "rope", "drill", "axe", "brush", "needle", "chisel"),
    "vehicle": ("car", "bicycle", "boat", "ship", "cart", "train", "bus", "wagon"),
    "building": ("house", "tower", "bridge", "church", "castle", "barn", "mill", "school", "library", "station"),
    "furniture": ("table", "chair", "lamp", "bed", "shelf", "desk", "cupboard", "bench"),
    "clothing": ("coat", "hat", "boot", "scarf", "shirt", "glove", "cloak", "apron"),
    "plant": ("tree", "flower", "rose", "oak", "bush", "reed", "fern", "willow"),
    "document": ("letter", "map", "book", "note", "poem", "report", "contract", "diary"),
}
ANIMATE = ("person", "animal")
ARTIFACTS = ("tool", "vehicle", "furniture", "clothing", "document", "building")
CONCRETE = (*ANIMATE, "food", *ARTIFACTS, "plant")
# The old name for the classes whose members a GloVe neighbour should share (benchmarks/neighbours.py).
CLASSES = {name: NOUN_CLASSES[name] for name in ("animal", "food", "tool", "vehicle", "clothing", "plant")}

# Verb classes: (real members as (base, third person singular, past)), subject classes, object classes
# (empty: intransitive). Invented members are regular (-s, -ed).
VERB_CLASSES: dict[str, tuple[tuple[tuple[str, str, str], ...], tuple[str, ...], tuple[str, ...]]] = {
    "ingest": ((("eat", "eats", "ate"), ("taste", "tastes", "tasted"), ("swallow", "swallows", "swallowed")),
               ANIMATE, ("food",)),
    "cook": ((("bake", "bakes", "baked"), ("cook", "cooks", "cooked"), ("slice", "slices", "sliced")),
             ("person",), ("food",)),
    "handle": ((("repair", "repairs", "repaired"), ("clean", "cleans", "cleaned"), ("paint", "paints", "painted"),
                ("carry", "carries", "carried"), ("sell", "sells", "sold"), ("buy", "buys", "bought"),
                ("move", "moves", "moved"), ("find", "finds", "found")),
               ("person",), ("tool", "vehicle", "furniture", "clothing", "document")),
    "build": ((("build", "builds", "built"), ("visit", "visits", "visited"), ("guard", "guards", "guarded")),
              ("person",), ("building",)),
    "perceive": ((("see", "sees", "saw"), ("watch", "watches", "watched"), ("notice", "notices", "noticed"),
                  ("admire", "admires", "admired")), ANIMATE, CONCRETE),
    "tend": ((("feed", "feeds", "fed"), ("chase", "chases", "chased"), ("follow", "follows", "followed")),
             ANIMATE, ("animal",)),
    "read": ((("read", "reads", "read"), ("write", "writes", "wrote"), ("sign", "signs", "signed")),
             ("person",), ("document",)),
    "grow": ((("plant", "plants", "planted"), ("water", "waters", "watered"), ("prune", "prunes", "pruned")),
             ("person",), ("plant",)),
    "rest": ((("sleep", "sleeps", "slept"), ("wait", "waits", "waited"), ("rest", "rests", "rested"),
              ("run", "runs", "ran")), ANIMATE, ()),
    "happen": ((("stand", "stands", "stood"), ("fall", "falls", "fell"), ("break", "breaks", "broke"),
                ("shine", "shines", "shone"), ("vanish", "vanishes", "vanished")),
               tuple(c for c in CONCRETE if c not in ANIMATE), ()),
}
# Adjective classes and the noun classes they describe.
ADJECTIVE_CLASSES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "colour": (("red", "blue", "green", "yellow", "white", "black", "grey", "brown"), CONCRETE),
    "size": (("big", "small", "tall", "little", "huge", "tiny", "long", "short"), CONCRETE),
    "age": (("old", "new", "young", "ancient", "modern"), CONCRETE),
    "condition": (("broken", "clean", "rusty", "shiny", "heavy", "useful"), ARTIFACTS),
    "mood": (("happy", "tired", "hungry", "angry", "calm", "busy"), ANIMATE),
    "taste": (("fresh", "sweet", "salty", "ripe", "stale"), ("food",)),
}
DETERMINERS = {"singular": ("the", "a", "this", "that", "every", "my", "our", "her"),
               "plural": ("the", "these", "those", "some", "many", "two", "my", "our")}
PREPOSITIONS = ("near", "behind", "beside", "opposite", "above", "below", "beyond", "under", "inside", "across")
PLACES = ("village", "town", "square", "kitchen", "market", "harbour", "forest", "valley", "garden", "field",
          "courtyard", "hall", "cellar", "meadow", "yard", "workshop")
TIME_ADVERBIALS = ("yesterday", "today", "every morning", "at dawn", "last week", "on sunday", "in the evening",
                   "after the storm", "before dinner", "once again", "as usual ,", "that winter", "later")
MANNER_ADVERBS = ("slowly", "quickly", "carefully", "quietly", "gladly", "often", "rarely", "suddenly")
SUBORDINATORS = ("because", "although", "when", "while", "after", "before")
COPULA = {"present": ("is", "are"), "past": ("was", "were")}
AUXILIARY = {"present": ("does", "do"), "past": ("did", "did")}
# Forms that agree with the subject's number: (singular, plural) for each verb an agreement probe may ask about.
AGREEING_PAIRS = (("is", "are"), ("was", "were"), ("does", "do"), ("has", "have"))

# Topics: a sentence of a topic draws its content words from the topic's lists (and invented topic words).
TOPICS: dict[str, tuple[str, ...]] = {
    "theatre": ("actor", "stage", "audience", "script", "curtain", "director", "rehearsal", "scene", "costume",
                "applause", "drama", "theatre"),
    "sport": ("team", "ball", "pitch", "coach", "referee", "goal", "stadium", "fans", "score", "striker",
              "season", "league"),
    "music": ("violin", "orchestra", "concert", "melody", "piano", "choir", "song", "rhythm", "guitar", "tune"),
    "river": ("river", "pebbles", "reeds", "mud", "stream", "shore", "otters", "current", "weir", "fishermen"),
    "money": ("money", "loan", "account", "cash", "savings", "clerk", "interest", "deposit", "coins", "debt"),
    "fire": ("flame", "candle", "stove", "smoke", "spark", "box", "wood", "fireplace", "ashes", "heat"),
    "night": ("cave", "dusk", "wings", "insects", "moths", "darkness", "owl", "night", "roof", "shadows"),
    "weather": ("flowers", "snow", "blossom", "sunshine", "birds", "warmth", "buds", "rain", "april", "tulips"),
    "metal": ("wire", "clock", "mattress", "steel", "tension", "mechanism", "coil", "bolt", "valve", "gear"),
    "forest": ("trunk", "branches", "beetles", "moss", "acorns", "pine", "leaves", "roots", "birch", "twigs"),
    "building_site": ("concrete", "beams", "containers", "operator", "girders", "scaffold", "workers", "cement",
                      "site", "load"),
    "wetland": ("marsh", "pond", "frog", "beak", "flock", "feathers", "wetland", "nest", "heron", "lake"),
    "sea": ("rocks", "ice", "cliffs", "fins", "waves", "seagulls", "beach", "whales", "tide", "lighthouse"),
    "office": ("document", "wax", "envelope", "king", "notary", "signature", "charter", "stamp", "official",
               "decree"),
    "dogs": ("postman", "puppy", "kennel", "stranger", "gate", "leash", "collar", "bone", "growl", "tail"),
}
# Each ambiguous word's senses and the topic that signals each. 8 words, 18 senses.
SENSES: dict[str, dict[str, str]] = {
    "play": {"theatre": "theatre", "game": "sport", "music": "music"},
    "bank": {"river": "river", "money": "money"},
    "match": {"fire": "fire", "contest": "sport"},
    "bat": {"animal": "night", "sport": "sport"},
    "spring": {"season": "weather", "water": "river", "coil": "metal"},
    "bark": {"tree": "forest", "dog": "dogs"},
    "crane": {"bird": "wetland", "machine": "building_site"},
    "seal": {"animal": "sea", "stamp": "office"},
}
# Verbs that topic sentences use around the ambiguous word (with any noun of the topic as object).
TOPIC_VERBS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "theatre": (("rehearse", "rehearses", "rehearsed"), ("stage", "stages", "staged"), ("applaud", "applauds",
                                                                                         "applauded")),
    "sport": (("kick", "kicks", "kicked"), ("win", "wins", "won"), ("cheer", "cheers", "cheered")),
    "music": (("perform", "performs", "performed"), ("tune", "tunes", "tuned"), ("hum", "hums", "hummed")),
}

# Sentiment: polar adjectives in frequency order (the first few are common, the tail is rare).
POSITIVE = (
    "good", "great", "excellent", "wonderful", "superb", "brilliant", "lovely", "delightful", "splendid",
    "fine", "charming", "marvellous", "stunning", "terrific", "magnificent", "outstanding", "fabulous",
    "admirable", "exquisite", "glorious", "captivating", "enchanting", "riveting", "dazzling", "sublime",
    "impeccable", "masterful", "heartwarming", "exhilarating", "resplendent",
)
NEGATIVE = (
    "bad", "poor", "awful", "terrible", "boring", "dull", "dreadful", "horrible", "weak", "tedious",
    "mediocre", "clumsy", "bland", "lifeless", "tiresome", "dismal", "shoddy", "atrocious", "abysmal",
    "lousy", "pathetic", "insipid", "dire", "wretched", "sloppy", "grating", "tepid", "hollow",
    "laughable", "execrable",
)
INTENSIFIERS = ("very", "truly", "really", "quite", "rather", "simply")
NEGATABLE_INTENSIFIERS = ("very", "really", "particularly", "especially")
EVALUATED = ("meal", "concert", "hotel", "trip", "lecture", "party", "service", "exhibition", "holiday", "dinner",
             "show", "visit")
POSITIVE_FOLLOW_UPS = ("everyone wanted more", "we went back the next day", "people praised it for weeks",
                       "i smiled all evening", "we told all our friends", "nobody wanted to leave")
NEGATIVE_FOLLOW_UPS = ("everyone left early", "we never went back", "people complained for weeks",
                       "i sighed all evening", "we warned all our friends", "nobody stayed until the end")

# The target domain: film reviews.
ASPECTS = (
    "the acting", "the plot", "the script", "the soundtrack", "the ending", "the dialogue", "the pacing",
    "the cinematography", "the cast", "the direction", "the editing", "the humour", "the characters",
    "the special effects", "the score",
)
REVIEW_OPENERS = (
    "i watched this film last night .", "i saw this movie at the cinema with my sister .",
    "my friend recommended this film .", "we rented this movie on a rainy evening .",
    "this is the director's third film .", "i had heard a lot about this movie .",
    "the film runs for about two hours .", "i went in with no expectations .",
)
REVIEW_NEUTRAL = (
    "the story follows a young detective in a small town .", "it is set in a fishing village after the war .",
    "the main character is a retired pilot .", "the film was shot in black and white .",
    "most scenes take place in one apartment .", "the cast includes several new faces .",
    "it is based on a novel from the sixties .", "the second half moves to the city .",
    "there is a long scene at a wedding .", "the film opens with a train journey .",
)
POSITIVE_VERDICTS = ("overall i would recommend it .", "i would happily watch it again .",
                     "definitely worth seeing .", "ten out of ten .", "a film to remember .")
NEGATIVE_VERDICTS = ("overall i would not recommend it .", "i would never watch it again .", "not worth seeing .",
                     "one out of ten .", "a film to forget .")

PROFESSIONS = ("painter", "engineer", "merchant", "physician", "astronomer", "architect", "sailor", "philosopher",
               "botanist", "composer", "sculptor", "chemist", "historian", "surveyor", "weaver", "goldsmith")
