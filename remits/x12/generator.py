def generate_835(*a, **k): raise NotImplementedError
class Payee: pass
class Payer: pass
class GenerationSummary: pass
