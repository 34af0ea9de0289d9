// StepgateServer
