// StepgateCore
