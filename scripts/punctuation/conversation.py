"""Conversational turns for the punctuation model, generated from general English comma rules.

The Debian text that scripts/punctuation/train.py learns from is mostly definitions, glosses and
quotations: few people talking, so few of the commas of speech (after "well", "yes", "thanks",
around a name said to someone, before "please" at the end, between two clauses joined by "but"
or "so", in lists, before a tag question). This module writes such turns from slot lists and
rules written for Earshot (no corpus sentence is copied), and just as many that must stay
without a comma (a clause after the main one, two verbs of one subject joined by "and", "please"
at the start), so the model learns the rule and not "always a comma before and".

    generate(n, rng) -> list of n strings, each a turn of 1-3 punctuated, cased sentences
"""
import random

NAMES = ["John", "Sarah", "Michael", "Emma", "David", "Anna", "James", "Maria", "Tom", "Lisa",
         "Peter", "Kate", "Daniel", "Laura", "Chris", "Rachel", "Mark", "Sophie", "Paul", "Julia",
         "Alex", "Nina", "Robert", "Helen", "Steve", "Grace", "Kevin", "Olivia", "Brian", "Megan",
         "doctor", "sir", "ma'am", "mom", "dad", "guys", "everyone", "buddy"]
CAPITAL_NAMES = [n for n in NAMES if n[0].isupper()]
PLACES = ["London", "Paris", "Boston", "Chicago", "Berlin", "Denver", "Seattle", "Dublin",
          "Toronto", "Madrid", "Texas", "Ohio", "the office", "the airport", "the station",
          "the bank", "the hospital", "the store", "home", "work", "school", "the hotel"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
        "tomorrow", "today", "tonight", "next week", "this afternoon", "this morning",
        "the weekend", "next month", "noon"]

# (base form, past form) of verb phrases that any subject can take in the past or after a modal
ACTIONS = [
    ("call the bank", "called the bank"), ("send the invoice", "sent the invoice"),
    ("check my account", "checked my account"), ("book a table", "booked a table"),
    ("cancel the order", "cancelled the order"), ("pay the bill", "paid the bill"),
    ("reset the password", "reset the password"), ("fix the printer", "fixed the printer"),
    ("move the meeting", "moved the meeting"), ("pick up the kids", "picked up the kids"),
    ("update the address", "updated the address"), ("open the file", "opened the file"),
    ("change the date", "changed the date"), ("read your email", "read your email"),
    ("sign the contract", "signed the contract"), ("leave a message", "left a message"),
    ("find the receipt", "found the receipt"), ("lose the card", "lost the card"),
    ("get the package", "got the package"), ("buy new shoes", "bought new shoes"),
    ("miss the train", "missed the train"), ("finish the report", "finished the report"),
    ("talk to the manager", "talked to the manager"), ("wait for an hour", "waited for an hour"),
    ("try again", "tried again"), ("restart the computer", "restarted the computer"),
    ("order a pizza", "ordered a pizza"), ("clean the kitchen", "cleaned the kitchen"),
    ("forget the password", "forgot the password"), ("park the car", "parked the car"),
    ("see the doctor", "saw the doctor"), ("take the bus", "took the bus"),
    ("write it down", "wrote it down"), ("close the window", "closed the window"),
    ("drop it off", "dropped it off"), ("fill out the form", "filled out the form"),
    ("transfer the money", "transferred the money"), ("upgrade the plan", "upgraded the plan"),
    ("return the jacket", "returned the jacket"), ("check the schedule", "checked the schedule"),
    ("confirm the booking", "confirmed the booking"), ("ship the order", "shipped the order"),
    ("answer the phone", "answered the phone"), ("lock the door", "locked the door"),
    ("install the update", "installed the update"), ("print the tickets", "printed the tickets"),
    ("go to the gym", "went to the gym"), ("come back early", "came back early"),
    ("stay at home", "stayed at home"), ("work late", "worked late"),
    ("fly to " , "flew to "), ("drive to ", "drove to "), ("get to ", "got to "),
]
STATES = ["it's too late", "the line was busy", "the store was closed", "nobody answered",
          "the price went up", "it works now", "the app keeps crashing", "the card was declined",
          "the flight is delayed", "the room is ready", "the package hasn't arrived",
          "it's raining", "the meeting ran long", "the battery died", "the link expired",
          "the screen is frozen", "the bill looks wrong", "the traffic was terrible",
          "the office is closed", "the weather is nice", "it's not working", "that's fine",
          "that sounds good", "it was cheaper", "the train was late", "I'm not sure",
          "it's a good idea", "the system is down", "the order is on its way", "I'm at home",
          "it's my first time", "the form is online", "the kids are asleep", "I'm running late"]
SUBJECTS = ["I", "we", "you", "they", "he", "she", "my wife", "my husband", "the driver",
            "the technician", "my brother", "our team", "the manager", "my friend", "the agent"]
NOUNS = ["milk", "eggs", "bread", "coffee", "tea", "rice", "apples", "cheese", "butter",
         "a charger", "a pen", "the keys", "my wallet", "the tickets", "my passport", "towels",
         "a laptop", "the receipts", "chairs", "the menu", "water", "some snacks", "a jacket",
         "the forms", "my phone", "an umbrella", "the cables", "the slides", "sugar", "salt"]
OPENERS = ["well", "yes", "yeah", "no", "okay", "oh", "so", "actually", "honestly", "sure",
           "right", "alright", "sorry", "thanks", "thank you", "of course", "by the way",
           "anyway", "however", "unfortunately", "luckily", "basically", "to be honest",
           "in that case", "for example", "otherwise", "meanwhile", "first", "also", "now",
           "look", "listen", "wait", "hmm", "um", "great", "perfect", "fine", "good",
           "oh no", "oh well", "no problem", "excuse me", "hi", "hello", "hey", "besides",
           "frankly", "obviously", "seriously", "as far as I know", "in fact", "sadly",
           "if possible", "if not", "if so", "by the time", "in the meantime", "after that"]
OPENERS = [o for o in OPENERS if o != "by the time"]
REPLIES = ["yes", "no", "sure", "okay", "yeah", "thanks", "thank you", "sorry", "great",
           "perfect", "of course", "absolutely", "exactly", "right", "fine", "not really",
           "yes please", "no thanks", "got it", "hello", "hi", "goodbye", "bye", "sounds good"]
INTRO_CLAUSES = ["if you {b}", "if we {b}", "when I {p}", "when you {p}", "before we {b}",
                 "after they {p}", "as soon as you {b}", "once we {p}", "since you {p}",
                 "although I {p}", "because we {p}", "unless you {b}", "while you wait",
                 "if it's not too much trouble", "when you get a chance", "if that's okay",
                 "as I said", "when it's ready", "if you want", "before I forget",
                 "after the meeting", "in the morning", "on the other hand", "as you know",
                 "when you get to {place}", "when I got to {place}", "by the time we {p}"]
AFTER_CLAUSES = ["when I get home", "because {state}", "if you want", "before {day}",
                 "after the meeting", "until {day}", "as soon as possible", "when you can",
                 "if that's okay", "because I was busy", "while I was at {place}",
                 "so that we can {b}", "unless {state}", "since {day}", "in {place}"]
TAGS = ["right", "isn't it", "don't you", "okay", "aren't you", "didn't you", "wasn't it",
        "can't you", "won't you", "correct", "you know"]


def _cap(s):
    return s[0].upper() + s[1:] if s else s


def _action(rng):
    base, past = rng.choice(ACTIONS)
    if base.endswith(" "):
        place = rng.choice(PLACES)
        base, past = base + place, past + place
    return base, past


def _fill(template, rng):
    b, p = _action(rng)
    return template.format(b=b, p=p, place=rng.choice(PLACES), day=rng.choice(DAYS),
                           state=rng.choice(STATES))


def clause(rng):
    """An independent clause, no final mark, lower-case start unless a name or I."""
    r = rng.random()
    s = rng.choice(SUBJECTS)
    b, p = _action(rng)
    if r < 0.3:
        return f"{s} {p}"
    if r < 0.5:
        return f"{s} {rng.choice(['will', 'can', 'should', 'might', 'could', 'must'])} {b}"
    if r < 0.6:
        return f"{s} didn't {b}"
    if r < 0.7:
        return f"{rng.choice(['I', 'we', 'you', 'they'])} need to {b}"
    if r < 0.8:
        return f"{rng.choice(['I', 'we', 'they'])} {rng.choice(['want', 'have', 'forgot', 'tried', 'decided'])} to {b}"
    return rng.choice(STATES)


def question(rng):
    b, p = _action(rng)
    s = rng.choice(SUBJECTS)
    forms = [f"can you {b}", f"could you {b}", f"did you {b}", f"do you want to {b}",
             f"should I {b}", f"will {s} {b}", f"when did {s} {b}", f"where did you {b}",
             f"why didn't {s} {b}", f"how do I {b}", f"is it possible to {b}",
             f"what time does {rng.choice(['the store', 'the bank', 'the office', 'it'])} open",
             f"where {rng.choice(['is my wallet', 'are the keys', 'is the menu', 'are my glasses', 'is the car'])}", f"do you have {rng.choice(NOUNS)}",
             f"what's the {rng.choice(['address', 'total', 'plan', 'problem', 'number', 'password'])}",
             f"who is going to {b}", f"how long will it take", f"are you {rng.choice(['sure', 'there', 'ready', 'free ' + rng.choice(DAYS), 'still at ' + rng.choice(PLACES)])}",
             f"have you seen {rng.choice(NOUNS)}", f"would you like to {b}", f"what happened"]
    return rng.choice(forms)


def listing(rng):
    k = rng.choice([2, 3, 3, 3, 4, 4, 5])
    items = rng.sample(NOUNS, k)
    conj = rng.choice(["and", "and", "and", "or"])
    if k == 2:
        return f"{items[0]} {conj} {items[1]}"
    oxford = "," if rng.random() < 0.5 else ""
    return ", ".join(items[:-1]) + f"{oxford} {conj} {items[-1]}"


def sentence(rng):
    """One sentence with its mark and case."""
    kind = rng.random()
    q = False
    if kind < 0.12:       # opener, clause
        s = f"{rng.choice(OPENERS)}, {clause(rng) if rng.random() < 0.6 else question(rng)}"
        q = " you " in s or s.split(", ")[-1].split()[0] in ("can", "could", "did", "do", "should", "will", "when", "where", "why", "how", "is", "what", "what's", "who", "are", "have", "would")
        q = q and s.split(", ", 1)[1] not in [c for c in STATES]
    elif kind < 0.2:      # a short reply on its own, or reply, clause
        s = rng.choice(REPLIES)
        if rng.random() < 0.6:
            s += ", " + clause(rng)
        elif rng.random() < 0.5:
            s += ", " + rng.choice(CAPITAL_NAMES)
    elif kind < 0.3:      # vocative at the start or the end
        name = rng.choice(NAMES)
        if rng.random() < 0.5:
            if rng.random() < 0.5:
                s, q = f"{name}, {question(rng)}", True
            else:
                s = f"{name}, {clause(rng)}"
        else:
            if rng.random() < 0.5:
                s, q = f"{question(rng)}, {name}", True
            else:
                s = f"{rng.choice(['thanks', 'thank you', 'hi', 'hello', 'sorry', 'good morning', 'bye', 'see you', 'goodbye', 'nice to meet you', 'yes', 'no', 'okay'])}, {name}"
    elif kind < 0.4:      # please
        b, _ = _action(rng)
        r = rng.random()
        if r < 0.4:
            s, q = f"{rng.choice(['can you', 'could you', 'would you'])} {b}, please", True
        elif r < 0.6:
            s = f"{b}, please"
        elif r < 0.8:
            s = f"please {b}"          # no comma after a leading please
        else:
            s = f"{rng.choice(['one moment', 'hold on', 'yes', 'a coffee', 'the bill', 'two tickets', 'this one', 'a table for two'])}, please"
    elif kind < 0.52:     # introductory clause, main clause
        intro = _fill(rng.choice(INTRO_CLAUSES), rng)
        if rng.random() < 0.3:
            s, q = f"{intro}, {question(rng)}", True
        else:
            s = f"{intro}, {clause(rng)}"
    elif kind < 0.62:     # main clause, then a clause after it: no comma
        s = f"{clause(rng)} {_fill(rng.choice(AFTER_CLAUSES), rng)}"
    elif kind < 0.74:     # two clauses with a conjunction
        a, b = clause(rng), clause(rng)
        conj = rng.choice(["but", "but", "so", "and", "or", "yet"])
        s = f"{a}, {conj} {b}"
    elif kind < 0.8:      # one subject, two verbs: no comma
        subj = rng.choice(SUBJECTS)
        (_, p1), (_, p2) = _action(rng), _action(rng)
        s = f"{subj} {p1} and {p2}"
    elif kind < 0.88:     # list
        r = rng.random()
        lst = listing(rng)
        if r < 0.4:
            s = f"{rng.choice(['we need', 'I bought', 'please bring', 'I forgot', 'they sent', 'can you get'])} {lst}"
            q = s.startswith("can")
        elif r < 0.7:
            s = f"{rng.choice(['I was in', 'we visited', 'she lived in', 'they flew to'])} " + ", ".join(rng.sample(PLACES[:15], rng.choice([2, 3, 3]))).rsplit(", ", 1)[0] + f", and {rng.choice(PLACES[:15])}"
        else:
            s = f"do you want {lst}"
            q = True
    elif kind < 0.93:     # tag question
        s, q = f"{clause(rng)}, {rng.choice(TAGS)}", True
    else:                 # plain sentence or question
        if rng.random() < 0.5:
            s, q = question(rng), True
        else:
            s = clause(rng) + (" " + rng.choice(DAYS) if rng.random() < 0.4 else "")
    if q is False and kind < 0.4 and s.split(", ")[-1].split()[0] in ("can", "could", "did", "do", "would"):
        q = True
    s = _cap(s.strip())
    mark = "?" if q else ("!" if rng.random() < 0.03 else ".")
    return s + mark


def generate(n, rng):
    out = []
    for _ in range(n):
        k = rng.choice([1, 1, 1, 2, 2, 3])
        out.append(" ".join(sentence(rng) for _ in range(k)))
    return out


if __name__ == "__main__":
    for t in generate(40, random.Random(1)):
        print(t)
