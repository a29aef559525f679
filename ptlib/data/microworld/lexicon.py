"""The words of the micro-world: closed word lists with the ground truth each one carries.

Everything here is data. The generators in this package draw from these lists; the probes and tasks
read the same lists to know the right answer (a noun's number, an adjective's polarity, the sense of
an ambiguous word in a given context).
"""

from __future__ import annotations

# Agreement: (singular, plural) subject nouns, and verbs whose form depends on the subject's number.
NOUN_PAIRS: tuple[tuple[str, str], ...] = (
    ("bicycle", "bicycles"), ("teacher", "teachers"), ("painting", "paintings"), ("bridge", "bridges"),
    ("engine", "engines"), ("student", "students"), ("window", "windows"), ("garden", "gardens"),
    ("letter", "letters"), ("table", "tables"), ("machine", "machines"), ("farmer", "farmers"),
    ("doctor", "doctors"), ("house", "houses"), ("boat", "boats"), ("clock", "clocks"),
    ("road", "roads"), ("tower", "towers"), ("lamp", "lamps"), ("chair", "chairs"),
    ("neighbour", "neighbours"), ("village", "villages"), ("car", "cars"), ("wall", "walls"),
    ("door", "doors"), ("map", "maps"), ("coat", "coats"), ("key", "keys"),
    ("ship", "ships"), ("statue", "statues"), ("soldier", "soldiers"), ("singer", "singers"),
    ("writer", "writers"), ("player", "players"), ("pilot", "pilots"), ("baker", "bakers"),
    ("nurse", "nurses"), ("lawyer", "lawyers"), ("cook", "cooks"), ("poet", "poets"),
)
PREPOSITIONS = ("near", "behind", "beside", "next to", "opposite", "above", "below", "beyond")
# (singular form, plural form, what may follow it)
AGREEING_VERBS: tuple[tuple[str, str, str], ...] = (
    ("was", "were", "state"), ("is", "are", "state"), ("seems", "seem", "state"),
    ("looks", "look", "state"), ("remains", "remain", "state"), ("has", "have", "possession"),
)
STATES = (
    "in good shape", "very old", "ready", "broken", "quite small", "rather famous", "too heavy",
    "still new", "in poor shape", "beautiful", "useful", "well known", "hard to find", "safe",
)
POSSESSIONS = ("a long history", "many parts", "a new owner", "a strange smell", "two doors", "a bright colour")
PAST_VERBS = ("repaired", "painted", "visited", "described", "admired", "sold", "built", "found", "cleaned")
CONCESSIVE_ADJECTIVES = ("old", "small", "cheap", "tired", "busy", "late", "quiet", "worn")
BECAUSE_CLAUSES = (
    "someone had looked after {pronoun}", "the weather had been mild", "nobody had touched {pronoun}",
    "the owners were careful", "the winter was short",
)

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
# General-domain things people evaluate, and what follows an evaluation (depends on its polarity).
EVALUATED = (
    "the meal", "the concert", "the hotel", "the trip", "the lecture", "the book", "the party",
    "the service", "the weather", "the exhibition", "the holiday", "the market", "the dinner", "the show",
)
POSITIVE_FOLLOW_UPS = (
    "everyone wanted more", "we went back the next day", "people praised it for weeks", "i smiled all evening",
    "we told all our friends", "nobody wanted to leave",
)
NEGATIVE_FOLLOW_UPS = (
    "everyone left early", "we never went back", "people complained for weeks", "i sighed all evening",
    "we warned all our friends", "nobody stayed until the end",
)

# Distributional classes: words that share contexts. Real members first, then rare invented ones
# (added by the world generator) that the text alone must teach.
CLASSES: dict[str, tuple[str, ...]] = {
    "animal": ("dog", "cat", "horse", "cow", "sheep", "goat", "rabbit", "fox", "mouse", "donkey", "pig", "duck"),
    "food": ("bread", "soup", "cheese", "apple", "rice", "cake", "fish", "pear", "honey", "butter", "plum", "egg"),
    "colour": ("red", "blue", "green", "yellow", "white", "black", "grey", "brown", "purple", "orange"),
    "tool": ("hammer", "saw", "spade", "ladder", "rope", "drill", "axe", "brush", "needle", "chisel"),
}
CLASS_TEMPLATES: dict[str, tuple[str, ...]] = {
    "animal": (
        "the {w} slept in the barn .", "a hungry {w} wandered across the field .", "the farmer fed the {w} at dawn .",
        "my {w} chased the neighbour's {w2} .", "the {w} and its young grazed by the fence .",
    ),
    "food": (
        "we ate {w} for breakfast .", "the baker sold fresh {w} at the market .", "she cooked the {w} slowly .",
        "a plate of {w} was on the table .", "he bought {w} and {w2} for dinner .",
    ),
    "colour": (
        "she painted the door {w} .", "the {w} flag waved in the wind .", "his coat was dark {w} .",
        "the walls were {w} and {w2} .", "they chose a {w} paint for the fence .",
    ),
    "tool": (
        "he fixed the shed with a {w} .", "the carpenter picked up the {w} .", "she borrowed a {w} from the workshop .",
        "a rusty {w} hung on the wall .", "you need a {w} and a {w2} for this job .",
    ),
}

# Polysemy: each ambiguous word, its senses, and contexts before and after it for each sense.
# Every context names the sense through its own words; no context is shared by two senses.
SENSES: dict[str, dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "play": {
        "theatre": (
            ("the actors rehearsed the", "the audience applauded the", "the director staged a new",
             "at the theatre we watched a"),
            ("on the stage .", "until the curtain fell .", "with a famous script .", "in three acts ."),
        ),
        "game": (
            ("after school the children", "on sunday the boys", "the kids ran outside to", "the team likes to"),
            ("football in the park .", "on the grass field .", "with a ball until dark .", "a game on the pitch ."),
        ),
        "music": (
            ("the violinist learned to", "at the concert she will", "the pianist can", "the band began to"),
            ("the violin with the orchestra .", "a sonata for the audience .", "the piano in a hall .",
             "a tune on the guitar ."),
        ),
    },
    "bank": {
        "river": (
            ("the ducks rested on the", "we fished from the muddy", "the fishermen walked along the",
             "reeds grew thick on the"),
            ("of the river .", "beside the flowing water .", "where the stream bends .", "near the old mill ."),
        ),
        "money": (
            ("she deposited her savings at the", "the clerk at the", "he borrowed money from the",
             "the manager of the"),
            ("approved the loan .", "counted the cash .", "opened a new account .", "raised the interest rate ."),
        ),
    },
    "match": {
        "fire": (
            ("in the dark he struck a", "she lit the candle with a", "the camper found one dry",
             "to start the stove he needed a"),
            ("and the flame flickered .", "from the little box .", "that burned his fingers .", "and lit the fire ."),
        ),
        "contest": (
            ("the fans cheered during the", "the referee stopped the", "our club won the",
             "the striker scored twice in the"),
            ("at the stadium .", "against the champions .", "in extra time .", "after a tense final whistle ."),
        ),
    },
    "bat": {
        "animal": (
            ("at dusk a small", "in the cave a sleeping", "the owl and the", "hanging upside down , the"),
            ("flew out to hunt insects .", "spread its leathery wings .", "squeaked in the darkness .",
             "ate moths all night ."),
        ),
        "sport": (
            ("the batsman gripped his", "the pitcher watched the", "he swung the wooden", "she bought a new cricket"),
            ("and hit the ball far .", "before the next pitch .", "at the ball .", "for the season's games ."),
        ),
    },
    "spring": {
        "season": (
            ("the flowers bloom every", "the weather warms in early", "birds return to the north each",
             "the farmers plant seeds in"),
            ("after the long winter .", "when the days grow longer .", "before the summer heat .",
             "as the snow melts ."),
        ),
        "water": (
            ("the villagers drank from a cold", "clear water bubbled from the", "the hikers filled bottles at the",
             "deep in the hills lies a"),
            ("of fresh water .", "beneath the rocks .", "that never runs dry .", "feeding the little stream ."),
        ),
        "coil": (
            ("the watchmaker replaced the", "inside the old clock a", "the mattress had a broken",
             "the mechanic stretched the steel"),
            ("of tight metal wire .", "under heavy tension .", "that made it bounce .", "in the mechanism ."),
        ),
    },
    "bark": {
        "tree": (
            ("the beetles lived under the", "the old oak had thick", "she peeled the rough", "moss covered the"),
            ("of the tree trunk .", "on the pine branches .", "around the birch trunk .", "of the forest trees ."),
        ),
        "dog": (
            ("the postman heard the loud", "the puppy let out a sharp", "the neighbours complained about the",
             "the guard dog gave a fierce"),
            ("of the angry dog .", "at the stranger .", "from the kennel .", "every night at the gate ."),
        ),
    },
    "crane": {
        "bird": (
            ("in the marsh a grey", "the birdwatcher spotted a", "over the wetland a tall", "beside the pond the"),
            ("stood on one leg .", "spread its long wings .", "caught a frog in its beak .",
             "flew south with its flock ."),
        ),
        "machine": (
            ("at the building site the", "the operator climbed into the", "the workers used a huge",
             "above the harbour a steel"),
            ("lifted the concrete beams .", "moved the heavy containers .", "swung its long arm .",
             "raised the steel girders ."),
        ),
    },
    "seal": {
        "animal": (
            ("on the rocks a young", "the fishermen saw a grey", "the zoo keeper fed the", "near the ice a fat"),
            ("dived into the cold sea .", "barked at the seagulls .", "ate a fresh fish .", "swam along the shore ."),
        ),
        "stamp": (
            ("the king pressed his royal", "the notary placed an official", "the letter carried the wax",
             "the clerk checked the"),
            ("on the document .", "of the old kingdom .", "on the signed contract .", "on the sealed envelope ."),
        ),
    },
}

# The target domain: film reviews. Aspects that get evaluated, neutral sentences about the film,
# and the verdicts that only unlabelled reviews carry (they depend on the review's sentiment).
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
POSITIVE_VERDICTS = (
    "overall i would recommend it .", "i would happily watch it again .", "definitely worth seeing .",
    "ten out of ten .", "a film to remember .",
)
NEGATIVE_VERDICTS = (
    "overall i would not recommend it .", "i would never watch it again .", "not worth seeing .",
    "one out of ten .", "a film to forget .",
)

# Neutral everyday sentences: the bulk of the text, giving the corpus a natural frequency profile.
FILLER_TEMPLATES = (
    "the {n} stood {p} the {n2} .", "yesterday {name} moved the {n} {p} the {n2} .",
    "a {n} and a {n2} were found in the {place} .", "{name} left the {n} {p} the {n2} in the {place} .",
    "in {year} a new {n} was built in the {place} .", "the {place} had a {n} and two {n2s} .",
    "every morning {name} waited {p} the {n2} .", "nobody knew that {name} owned the {n} in the {place} .",
    "{name} met {name2} at the {place} .", "{name} lent the {n} to {name2} .",
    "in {year} {name} moved to the {place} .", "{name} and {name2} walked to the {place} together .",
)
PLACES = (
    "village", "town", "square", "kitchen", "library", "station", "harbour", "market", "school", "museum",
    "church", "castle", "forest", "valley", "hospital", "factory", "farm", "office", "hall", "courtyard",
)
PROFESSIONS = (
    "painter", "engineer", "merchant", "physician", "astronomer", "architect", "sailor", "philosopher",
    "botanist", "composer",
)
NEGATORS = ("not",)
CONTRASTS = ("but",)
